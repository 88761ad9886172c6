// The content of ferry_testd's generated objects (GET /_gen/<size>?seed=N), as a pure function of
// (size, seed, offset). Header-only so tests and benchmarks compute expected bytes and hashes without
// a server. Each 8-byte word is splitmix64 of its index, keyed by (size, seed); bytes are the word in
// little-endian order. Any range costs O(length), nothing is ever held whole.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace ferry::testd {

constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Key of one generated object; different (size, seed) give unrelated streams.
constexpr std::uint64_t generated_key(std::uint64_t size, std::uint64_t seed) noexcept {
  return splitmix64(seed ^ splitmix64(size ^ 0x66657272795F6765ull));  // "ferry_ge"
}

// The word holding bytes [8*index, 8*index+8).
constexpr std::uint64_t generated_word(std::uint64_t key, std::uint64_t index) noexcept {
  return splitmix64(key + index);
}

constexpr unsigned char generated_byte(std::uint64_t size, std::uint64_t seed, std::uint64_t offset) noexcept {
  return static_cast<unsigned char>(generated_word(generated_key(size, seed), offset / 8) >> (8 * (offset % 8)));
}

// Fills out[0..n) with the bytes at [offset, offset+n) of object (size, seed). Does not clamp to size:
// the caller asks only for bytes inside the object.
inline void generated_fill(std::uint64_t size, std::uint64_t seed, std::uint64_t offset, void* out,
                           std::size_t n) noexcept {
  auto* p = static_cast<unsigned char*>(out);
  const std::uint64_t key = generated_key(size, seed);
  // Leading bytes up to a word boundary.
  while (n > 0 && offset % 8 != 0) {
    *p++ = static_cast<unsigned char>(generated_word(key, offset / 8) >> (8 * (offset % 8)));
    ++offset;
    --n;
  }
  std::uint64_t index = offset / 8;
  for (; n >= 8; n -= 8, p += 8, ++index) {
    std::uint64_t w = generated_word(key, index);
    if constexpr (std::endian::native == std::endian::big) w = __builtin_bswap64(w);
    std::memcpy(p, &w, 8);
  }
  for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>(generated_word(key, index) >> (8 * i));
}

// Parses "1048576", "64KiB", "64MiB", "1GiB", "8M", "2G" (K/M/G/T alone are binary too) and "10MB"/"1GB"
// (decimal). nullopt on junk or overflow.
inline std::optional<std::uint64_t> parse_size(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (v > (UINT64_MAX - 9) / 10) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(s[i] - '0');
  }
  if (i == 0) return std::nullopt;
  std::string_view unit = s.substr(i);
  std::uint64_t mul = 1;
  auto is = [&](std::string_view a) {
    if (a.size() != unit.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k)
      if ((unit[k] | 0x20) != (a[k] | 0x20)) return false;
    return true;
  };
  if (unit.empty() || is("b")) mul = 1;
  else if (is("k") || is("kib")) mul = 1ull << 10;
  else if (is("m") || is("mib")) mul = 1ull << 20;
  else if (is("g") || is("gib")) mul = 1ull << 30;
  else if (is("t") || is("tib")) mul = 1ull << 40;
  else if (is("kb")) mul = 1000ull;
  else if (is("mb")) mul = 1000ull * 1000;
  else if (is("gb")) mul = 1000ull * 1000 * 1000;
  else if (is("tb")) mul = 1000ull * 1000 * 1000 * 1000;
  else return std::nullopt;
  if (v != 0 && mul > UINT64_MAX / v) return std::nullopt;
  return v * mul;
}

}  // namespace ferry::testd
