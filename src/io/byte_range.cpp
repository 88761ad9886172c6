#include "ferry/byte_range.hpp"

#include "ferry/printable.hpp"

#include <cctype>

namespace ferry {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Digits only, no sign, no overflow.
bool parse_u64(std::string_view s, std::uint64_t& out) {
  if (s.empty() || s.size() > 20) return false;
  unsigned __int128 v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v > UINT64_MAX) return false;
  out = static_cast<std::uint64_t>(v);
  return true;
}

failure bad_range(std::string_view value, std::string_view why) {
  return failure(error::invalid_argument, "invalid Range " + printable(value, 80) + ": " + std::string(why));
}

failure bad_content_range(std::string_view value, std::string_view why) {
  return failure(error::protocol_error, "invalid Content-Range " + printable(value, 80) + ": " + std::string(why));
}

}  // namespace

result<byte_range> parse_range_header(std::string_view value, std::uint64_t size) {
  std::string_view s = trim(value);
  auto eq = s.find('=');
  if (eq == std::string_view::npos || !iequals(trim(s.substr(0, eq)), "bytes"))
    return bad_range(value, "expected bytes=FIRST-LAST, bytes=FIRST- or bytes=-SUFFIX");
  std::string_view spec = trim(s.substr(eq + 1));
  if (spec.find(',') != std::string_view::npos)
    return failure(error::unsupported, "multiple ranges in " + printable(value, 80) + " are not supported");
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return bad_range(value, "missing '-'");
  std::string_view first_text = trim(spec.substr(0, dash)), last_text = trim(spec.substr(dash + 1));
  auto unsatisfiable = [&] {
    return failure(error::range_not_satisfiable,
                   "Range " + printable(value, 80) + " is outside an object of " + std::to_string(size) + " bytes");
  };

  if (first_text.empty()) {  // suffix: the last n bytes
    std::uint64_t n = 0;
    if (!parse_u64(last_text, n)) return bad_range(value, "suffix length is not a number");
    if (n == 0 || size == 0) return unsatisfiable();
    std::uint64_t len = n < size ? n : size;
    return byte_range{size - len, len};
  }
  std::uint64_t first = 0;
  if (!parse_u64(first_text, first)) return bad_range(value, "first byte is not a number");
  std::uint64_t last = 0;
  bool open_ended = last_text.empty();
  if (!open_ended) {
    if (!parse_u64(last_text, last)) return bad_range(value, "last byte is not a number");
    if (last < first) return bad_range(value, "last byte comes before the first");
  }
  if (first >= size) return unsatisfiable();
  if (open_ended || last >= size) last = size - 1;
  return byte_range{first, last - first + 1};
}

std::string format_range_header(const byte_range& r) {
  return "bytes=" + std::to_string(r.offset) + "-" + std::to_string(r.offset + r.length - 1);
}

result<content_range_value> parse_content_range_header(std::string_view value) {
  std::string_view s = trim(value);
  auto space = s.find(' ');
  if (space == std::string_view::npos || !iequals(s.substr(0, space), "bytes"))
    return bad_content_range(value, "expected 'bytes FIRST-LAST/TOTAL' or 'bytes */TOTAL'");
  std::string_view rest = trim(s.substr(space + 1));
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return bad_content_range(value, "missing '/TOTAL'");
  std::string_view range_text = rest.substr(0, slash), total_text = rest.substr(slash + 1);

  content_range_value out;
  if (total_text == "*") {
    out.total_known = false;
  } else if (!parse_u64(total_text, out.total)) {
    return bad_content_range(value, "total is not a number");
  }
  if (range_text == "*") {
    if (!out.total_known) return bad_content_range(value, "'bytes */*' says nothing");
    out.unsatisfied = true;
    return out;
  }
  auto dash = range_text.find('-');
  std::uint64_t first = 0, last = 0;
  if (dash == std::string_view::npos || !parse_u64(range_text.substr(0, dash), first) ||
      !parse_u64(range_text.substr(dash + 1), last))
    return bad_content_range(value, "range is not FIRST-LAST");
  if (last < first) return bad_content_range(value, "last byte comes before the first");
  if (out.total_known && last >= out.total) return bad_content_range(value, "range ends past the total size");
  if (last == UINT64_MAX) return bad_content_range(value, "range too large");
  out.range = byte_range{first, last - first + 1};
  return out;
}

std::string format_content_range(const byte_range& r, std::uint64_t total) {
  if (r.length == 0) return "bytes */" + std::to_string(total);
  return "bytes " + std::to_string(r.offset) + "-" + std::to_string(r.offset + r.length - 1) + "/" +
         std::to_string(total);
}

}  // namespace ferry
