// CRC32C (Castagnoli, reflected 0x82F63B78) and CRC-64/NVME (reflected 0x9A6C9329AC4BC9B5), both with init and
// final xor all ones. Software: slice-by-8 tables. CRC32C also uses the SSE4.2 crc32 instruction when the CPU has
// it (chosen at run time, so the binary still runs on older CPUs). Combination: zlib's GF(2) matrix method.
#include "ferry/checksum.hpp"

#include <array>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#define FERRY_CRC32C_X86 1
#endif

namespace ferry {
namespace {

template <class T, T Poly>
struct slice8_tables {
  std::array<std::array<T, 256>, 8> t{};
  constexpr slice8_tables() {
    for (unsigned i = 0; i < 256; ++i) {
      T c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ Poly : c >> 1;
      t[0][i] = c;
    }
    for (unsigned i = 0; i < 256; ++i)
      for (int k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
  }
};

constexpr std::uint32_t crc32c_poly = 0x82F63B78u;
constexpr std::uint64_t crc64_poly = 0x9A6C9329AC4BC9B5ull;
constexpr slice8_tables<std::uint32_t, crc32c_poly> crc32c_tables;
constexpr slice8_tables<std::uint64_t, crc64_poly> crc64_tables;

inline std::uint64_t load_le64(const unsigned char* p) {
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];  // compiles to one load on little-endian hosts
  return v;
}

// The raw (un-inverted) CRC register update, shared by both widths.
template <class T, class Tables>
T slice8_update(T crc, const unsigned char* p, std::size_t n, const Tables& tab) {
  const auto& t = tab.t;
  while (n >= 8) {
    std::uint64_t v = load_le64(p) ^ static_cast<std::uint64_t>(crc);
    crc = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^ t[4][(v >> 24) & 0xff] ^
          t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^ t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n--) crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return crc;
}

#ifdef FERRY_CRC32C_X86
__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42(std::uint32_t crc, const unsigned char* p,
                                                             std::size_t n) {
  std::uint64_t c = crc;
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  auto c32 = static_cast<std::uint32_t>(c);
  while (n--) c32 = _mm_crc32_u8(c32, *p++);
  return c32;
}

bool detect_sse42() noexcept { return __builtin_cpu_supports("sse4.2"); }
#else
bool detect_sse42() noexcept { return false; }
#endif

const bool use_hardware_crc32c = detect_sse42();

// zlib's crc32_combine, generalised to a W-bit reflected CRC whose init equals its final xor.
template <class T>
T gf2_times(const T* mat, T vec) {
  T sum = 0;
  while (vec) {
    if (vec & 1) sum ^= *mat;
    vec >>= 1;
    ++mat;
  }
  return sum;
}

template <class T, std::size_t W>
void gf2_square(T* square, const T* mat) {
  for (std::size_t n = 0; n < W; ++n) square[n] = gf2_times(mat, mat[n]);
}

template <class T, T Poly>
T crc_combine(T crc1, T crc2, std::uint64_t len2) {
  constexpr std::size_t W = sizeof(T) * 8;
  if (len2 == 0) return crc1;
  T even[W], odd[W];
  odd[0] = Poly;  // the operator for one zero bit
  T row = 1;
  for (std::size_t n = 1; n < W; ++n) {
    odd[n] = row;
    row <<= 1;
  }
  gf2_square<T, W>(even, odd);  // two zero bits
  gf2_square<T, W>(odd, even);  // four zero bits
  // Apply len2 zero bytes to crc1: the first square below gives one byte (eight bits).
  do {
    gf2_square<T, W>(even, odd);
    if (len2 & 1) crc1 = gf2_times(even, crc1);
    len2 >>= 1;
    if (len2 == 0) break;
    gf2_square<T, W>(odd, even);
    if (len2 & 1) crc1 = gf2_times(odd, crc1);
    len2 >>= 1;
  } while (len2 != 0);
  return crc1 ^ crc2;
}

}  // namespace

std::uint32_t crc32c(std::span<const std::byte> bytes, std::uint32_t crc) noexcept {
  auto p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::uint32_t c = ~crc;
#ifdef FERRY_CRC32C_X86
  if (use_hardware_crc32c) return ~crc32c_sse42(c, p, bytes.size());
#endif
  return ~slice8_update<std::uint32_t>(c, p, bytes.size(), crc32c_tables);
}

std::uint64_t crc64nvme(std::span<const std::byte> bytes, std::uint64_t crc) noexcept {
  auto p = reinterpret_cast<const unsigned char*>(bytes.data());
  return ~slice8_update<std::uint64_t>(~crc, p, bytes.size(), crc64_tables);
}

std::uint32_t crc32c_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t length_b) noexcept {
  return crc_combine<std::uint32_t, crc32c_poly>(crc_a, crc_b, length_b);
}

std::uint64_t crc64nvme_combine(std::uint64_t crc_a, std::uint64_t crc_b, std::uint64_t length_b) noexcept {
  return crc_combine<std::uint64_t, crc64_poly>(crc_a, crc_b, length_b);
}

bool crc32c_hardware() noexcept { return use_hardware_crc32c; }

// Exposed to tests through a declaration in the test file: the portable path, whatever the CPU.
std::uint32_t crc32c_software_for_tests(std::span<const std::byte> bytes, std::uint32_t crc) noexcept {
  return ~slice8_update<std::uint32_t>(~crc, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                                       crc32c_tables);
}

}  // namespace ferry
