#include "ferry/size.hpp"

#include "ferry/printable.hpp"

#include <array>
#include <cctype>
#include <cstdio>

namespace ferry {
namespace {

using u128 = unsigned __int128;

struct unit {
  std::string_view name;
  std::uint64_t multiplier;
};

constexpr std::uint64_t Ki = 1024;
constexpr std::array<unit, 17> units{{
    {"", 1}, {"b", 1},
    {"k", Ki}, {"m", Ki * Ki}, {"g", Ki * Ki * Ki}, {"t", Ki * Ki * Ki * Ki}, {"p", Ki * Ki * Ki * Ki * Ki},
    {"kib", Ki}, {"mib", Ki * Ki}, {"gib", Ki * Ki * Ki}, {"tib", Ki * Ki * Ki * Ki}, {"pib", Ki * Ki * Ki * Ki * Ki},
    {"kb", 1000}, {"mb", 1000'000}, {"gb", 1000'000'000}, {"tb", 1000'000'000'000}, {"pb", 1000'000'000'000'000},
}};

failure bad(std::string_view text, std::string_view why) {
  return failure(error::invalid_argument, "invalid size " + printable(text, 60) + ": " + std::string(why));
}

}  // namespace

result<std::uint64_t> parse_size(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  if (s.empty()) return bad(text, "empty (expected e.g. 8MiB, 64M, 1GiB or 1048576)");

  // Whole part, then an optional fraction, in exact 128-bit arithmetic.
  std::size_t i = 0;
  u128 whole = 0;
  std::size_t whole_digits = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    whole = whole * 10 + static_cast<unsigned>(s[i] - '0');
    if (whole > UINT64_MAX) return bad(text, "too large (the maximum is 2^64-1 bytes)");
    ++i, ++whole_digits;
  }
  u128 frac = 0, frac_scale = 1;
  std::size_t frac_digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      if (frac_digits == 18) return bad(text, "too many decimal places");
      frac = frac * 10 + static_cast<unsigned>(s[i] - '0');
      frac_scale *= 10;
      ++i, ++frac_digits;
    }
    if (frac_digits == 0) return bad(text, "a decimal point must be followed by digits");
  }
  if (whole_digits == 0) return bad(text, "must start with a digit (no signs; e.g. 8MiB)");

  while (i < s.size() && s[i] == ' ') ++i;
  std::string suffix;
  for (; i < s.size(); ++i) suffix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(s[i]))));
  std::uint64_t multiplier = 0;
  for (const auto& u : units)
    if (suffix == u.name) multiplier = u.multiplier;
  if (multiplier == 0)
    return bad(text, "unknown unit " + printable(suffix, 20) + " (use B, K/KiB, M/MiB, G/GiB, T/TiB, P/PiB or KB/MB/GB/TB/PB)");

  u128 total = whole * multiplier;
  if (total > UINT64_MAX) return bad(text, "too large (the maximum is 2^64-1 bytes)");
  if (frac != 0) {
    u128 scaled = frac * multiplier;  // frac < 10^18 and multiplier < 2^51: fits in 128 bits
    if (scaled % frac_scale != 0) return bad(text, "not a whole number of bytes");
    total += scaled / frac_scale;
    if (total > UINT64_MAX) return bad(text, "too large (the maximum is 2^64-1 bytes)");
  }
  return static_cast<std::uint64_t>(total);
}

std::string format_size(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 7> names{"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  std::size_t idx = 0;
  long double value = static_cast<long double>(bytes);
  while (value >= 1024 && idx + 1 < names.size()) {
    value /= 1024;
    ++idx;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2Lf", value);
  std::string out(buf);
  // "1.50" -> "1.5", "8.00" -> "8"
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  // Rounding can reach the next unit ("1024 KiB"): say "1 MiB" instead.
  if (out == "1024" && idx + 1 < names.size()) {
    out = "1";
    ++idx;
  }
  return out + " " + std::string(names[idx]);
}

}  // namespace ferry
