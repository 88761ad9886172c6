#include "tests/support/exchange.hpp"

#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

namespace ferry::testd {

response make_response(unsigned status, std::string body, std::string_view content_type) {
  response r;
  r.status = status;
  if (!body.empty()) r.headers.set(http::field::content_type, content_type);
  r.body = std::move(body);
  return r;
}

std::string_view exchange::path() const {
  std::string_view t = target();
  return t.substr(0, t.find('?'));
}

std::string_view exchange::query() const {
  std::string_view t = target();
  auto q = t.find('?');
  return q == std::string_view::npos ? std::string_view{} : t.substr(q + 1);
}

std::optional<std::string> exchange::query_param(std::string_view name) const {
  std::string_view q = query();
  while (!q.empty()) {
    auto amp = q.find('&');
    std::string_view item = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
    auto eq = item.find('=');
    if (percent_decode(item.substr(0, eq), true) == name)
      return eq == std::string_view::npos ? std::string{} : percent_decode(item.substr(eq + 1), true);
  }
  return std::nullopt;
}

std::optional<std::string_view> exchange::field(std::string_view name) const {
  auto it = header().find(name);
  if (it == header().end()) return std::nullopt;
  return it->value();
}

boost::asio::awaitable<std::string> exchange::read_body_string(std::size_t limit) {
  std::string out;
  char buf[16384];
  for (;;) {
    std::size_t n = co_await read_body(buf);
    if (n == 0) break;
    if (out.size() + n > limit) throw std::length_error("request body too large");
    out.append(buf, n);
  }
  co_return out;
}

std::string percent_decode(std::string_view s, bool plus_is_space) {
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(static_cast<char>(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

}  // namespace ferry::testd
