#include "tests/support/object_response.hpp"

#include <charconv>
#include <ctime>

namespace ferry::testd {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::uint64_t> digits(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string_view opaque(std::string_view tag) { return tag.starts_with("W/") ? tag.substr(2) : tag; }

}  // namespace

std::string http_date(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char b[64];
  std::strftime(b, sizeof b, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return b;
}

range_kind parse_range(std::string_view h, std::uint64_t size, byte_range& out) {
  h = trim(h);
  if (!h.starts_with("bytes=")) return range_kind::none;
  std::string_view spec = trim(h.substr(6));
  if (spec.find(',') != std::string_view::npos) return range_kind::none;
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return range_kind::none;
  std::string_view a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  if (a.empty()) {  // suffix: last n bytes
    auto n = digits(b);
    if (!n) return range_kind::none;
    if (*n == 0 || size == 0) return range_kind::unsatisfiable;
    out.first = *n >= size ? 0 : size - *n;
    out.last = size - 1;
    return range_kind::satisfiable;
  }
  auto first = digits(a);
  if (!first) return range_kind::none;
  std::optional<std::uint64_t> last;
  if (!b.empty()) {
    last = digits(b);
    if (!last || *last < *first) return range_kind::none;
  }
  if (*first >= size) return range_kind::unsatisfiable;
  out.first = *first;
  out.last = last && *last < size ? *last : size - 1;
  return range_kind::satisfiable;
}

bool etag_list_matches(std::string_view list, std::string_view etag, bool weak) {
  list = trim(list);
  if (list == "*") return true;
  while (!list.empty()) {
    auto comma = list.find(',');
    std::string_view tag = trim(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
    if (weak ? opaque(tag) == opaque(etag) : (!tag.starts_with("W/") && tag == etag)) return true;
  }
  return false;
}

response serve_object(const exchange& ex, std::shared_ptr<object_reader> reader, bool head) {
  const object_info info = reader->info();
  response r;
  r.headers.set(http::field::etag, info.etag);
  r.headers.set(http::field::last_modified, http_date(info.mtime));
  r.headers.set(http::field::accept_ranges, "bytes");
  if (auto im = ex.field("If-Match"); im && !etag_list_matches(*im, info.etag, false)) {
    r.status = 412;
    return r;
  }
  if (auto inm = ex.field("If-None-Match"); inm && etag_list_matches(*inm, info.etag, true)) {
    r.status = 304;
    r.omit_body = true;
    return r;
  }
  r.headers.set(http::field::content_type, info.content_type);
  r.object = std::move(reader);
  r.offset = 0;
  r.length = info.size;
  r.omit_body = head;
  r.content_length = info.size;

  auto range = ex.field("Range");
  if (auto ir = ex.field("If-Range"); range && ir) {
    // A stale validator means "send it all" rather than a range of different bytes.
    std::string_view v = trim(*ir);
    if (v.starts_with("\"") || v.starts_with("W/") ? v != info.etag : v != http_date(info.mtime)) range.reset();
  }
  if (!range) return r;
  byte_range br;
  switch (parse_range(*range, info.size, br)) {
    case range_kind::none:
      return r;
    case range_kind::unsatisfiable:
      r.status = 416;
      r.object.reset();
      r.length = 0;
      r.content_length.reset();
      r.omit_body = false;
      r.headers.set(http::field::content_range, "bytes */" + std::to_string(info.size));
      return r;
    case range_kind::satisfiable:
      r.status = 206;
      r.offset = br.first;
      r.length = br.last - br.first + 1;
      r.content_length = r.length;
      r.headers.set(http::field::content_range, "bytes " + std::to_string(br.first) + "-" +
                                                    std::to_string(br.last) + "/" + std::to_string(info.size));
      return r;
  }
  return r;
}

bool write_preconditions_hold(const exchange& ex, const std::optional<object_info>& current) {
  if (auto im = ex.field("If-Match")) {
    if (!current || !etag_list_matches(*im, current->etag, false)) return false;
  }
  if (auto inm = ex.field("If-None-Match")) {
    if (current && etag_list_matches(*inm, current->etag, true)) return false;
  }
  return true;
}

}  // namespace ferry::testd
