// Beast-free request/response helpers: header fields, idempotency, request ids, status → failure.
#include "ferry/http.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <random>

namespace ferry::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

error kind_for_status(int status) {
  switch (status) {
    case 400: case 405: case 411: case 413: case 414: return error::invalid_argument;
    case 401: case 403: return error::access_denied;
    case 404: case 410: return error::not_found;
    case 408: return error::timeout;
    case 409: return error::already_exists;
    case 304: case 412: return error::precondition_failed;
    case 416: return error::range_not_satisfiable;
    case 429: return error::throttled;
    case 503: return error::throttled;  // S3 SlowDown, Azure ServerBusy, GCS backend overload
    default: break;
  }
  if (status >= 500) return error::server_error;
  return error::protocol_error;
}

// Retry-After is seconds or an HTTP date; Azure also sends x-ms-retry-after-ms. Dates are rare from object
// stores; we only honour the numeric forms.
long retry_after_ms(const fields& headers) {
  if (auto ms = headers.find("x-ms-retry-after-ms")) {
    long v = 0;
    auto [p, ec] = std::from_chars(ms->data(), ms->data() + ms->size(), v);
    if (ec == std::errc() && v >= 0) return v;
  }
  if (auto s = headers.find("retry-after")) {
    long v = 0;
    auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
    if (ec == std::errc() && v >= 0 && v < 24 * 3600) return v * 1000;
  }
  return -1;
}

}  // namespace

std::string client_request_id() {
  thread_local std::mt19937_64 rng(std::random_device{}());
  char out[24];
  std::snprintf(out, sizeof out, "ferry-%016llx", static_cast<unsigned long long>(rng()));
  return out;
}

std::optional<std::string_view> fields::find(std::string_view name) const {
  for (auto& [k, v] : list_)
    if (iequals(k, name)) return std::string_view(v);
  return std::nullopt;
}

void fields::set(std::string_view name, std::string_view value) {
  erase(name);
  add(name, value);
}

void fields::add(std::string_view name, std::string_view value) { list_.emplace_back(name, value); }

void fields::erase(std::string_view name) {
  std::erase_if(list_, [&](const value_type& f) { return iequals(f.first, name); });
}

bool request::is_idempotent() const {
  if (idempotent) return *idempotent;
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE" || method == "OPTIONS";
}

std::optional<std::uint64_t> response::content_length() const {
  auto v = headers.find("content-length");
  if (!v) return std::nullopt;
  std::uint64_t n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return n;
}

std::string response::request_id() const {
  for (auto name : {"x-amz-request-id", "x-ms-request-id", "x-guploader-uploadid", "x-request-id", "x-amzn-requestid"})
    if (auto v = headers.find(name)) return std::string(*v);
  return {};
}

failure status_failure(const request& req, const response& resp) {
  failure f(kind_for_status(resp.status),
            req.method + " " + req.address.redacted() + " failed");
  f.http_status = resp.status;
  f.request_id = resp.request_id();
  if (f.request_id.empty()) f.request_id = client_request_id();  // the server gave none; still correlate logs
  f.retry_after_ms = retry_after_ms(resp.headers);
  return f;
}

}  // namespace ferry::http
