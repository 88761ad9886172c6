#include "transfer/content_range.hpp"

#include <charconv>

namespace ferry::transfer {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty() || s.size() > 20) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<content_range> parse_content_range(std::string_view v) {
  if (!v.starts_with("bytes ")) return std::nullopt;
  v.remove_prefix(6);
  auto slash = v.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto total = parse_u64(v.substr(slash + 1));  // "*" (unknown total) is useless to us and rejected
  if (!total) return std::nullopt;
  content_range r;
  r.total = *total;
  auto span = v.substr(0, slash);
  if (span == "*") {
    r.unsatisfied = true;
    return r;
  }
  auto dash = span.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = parse_u64(span.substr(0, dash)), last = parse_u64(span.substr(dash + 1));
  if (!first || !last || *first > *last || *last >= r.total) return std::nullopt;
  r.first = *first;
  r.last = *last;
  return r;
}

}  // namespace ferry::transfer
