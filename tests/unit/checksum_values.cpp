// Checksums against published check values, streaming equals one-shot, CRC combination, and the encodings
// the services use.
#include "ferry/checksum.hpp"

#include <boost/test/unit_test.hpp>

#include <random>

namespace ferry {
std::uint32_t crc32c_software_for_tests(std::span<const std::byte> bytes, std::uint32_t crc) noexcept;
}

using namespace ferry;

namespace {
std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string random_bytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

constexpr checksum_kind all_kinds[] = {checksum_kind::xxh3, checksum_kind::crc32c, checksum_kind::crc64nvme,
                                       checksum_kind::md5, checksum_kind::sha256};
}  // namespace

BOOST_AUTO_TEST_SUITE(checksums)

BOOST_AUTO_TEST_CASE(check_values) {
  const std::string_view check = "123456789";
  BOOST_TEST(crc32c(bytes_of(check)) == 0xE3069283u);
  BOOST_TEST(crc32c_software_for_tests(bytes_of(check), 0) == 0xE3069283u);
  BOOST_TEST(crc64nvme(bytes_of(check)) == 0xAE8B14860A799888ull);
  BOOST_TEST(compute_digest(checksum_kind::crc32c, check).hex() == "e3069283");
  BOOST_TEST(compute_digest(checksum_kind::crc64nvme, check).hex() == "ae8b14860a799888");
  BOOST_TEST(compute_digest(checksum_kind::md5, check).hex() == "25f9e794323b453885f5181f1b624d0b");
  BOOST_TEST(compute_digest(checksum_kind::sha256, check).hex() ==
             "15e2b0d3c33891ebb0f1ef609ec419420c20e320ce94c65fbc8c3312448eb225");
  // Empty input.
  BOOST_TEST(crc32c({}) == 0u);
  BOOST_TEST(crc64nvme({}) == 0u);
  BOOST_TEST(compute_digest(checksum_kind::md5, "").hex() == "d41d8cd98f00b204e9800998ecf8427e");
  BOOST_TEST(compute_digest(checksum_kind::sha256, "").hex() ==
             "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  BOOST_TEST(compute_digest(checksum_kind::xxh3, "").hex() == "99aa06d3014798d86001c324468d497f");
  // 32 bytes of zeros (RFC 3720 B.4 iSCSI CRC32C vector).
  std::string zeros(32, '\0');
  BOOST_TEST(crc32c(bytes_of(zeros)) == 0x8A9136AAu);
  BOOST_TEST(crc32c_software_for_tests(bytes_of(zeros), 0) == 0x8A9136AAu);
  std::string ones(32, '\xff');
  BOOST_TEST(crc32c(bytes_of(ones)) == 0x62A8AB43u);
  BOOST_TEST_MESSAGE("crc32c hardware path: " << crc32c_hardware());
}

BOOST_AUTO_TEST_CASE(hardware_matches_software) {
  for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 1000u, 4099u}) {
    auto data = random_bytes(n, static_cast<unsigned>(n));
    BOOST_TEST(crc32c(bytes_of(data)) == crc32c_software_for_tests(bytes_of(data), 0));
  }
}

BOOST_AUTO_TEST_CASE(streaming_equals_one_shot) {
  auto data = random_bytes(300, 7);
  for (auto kind : all_kinds) {
    digest whole = compute_digest(kind, data);
    BOOST_TEST(whole.size == digest_size(kind));
    auto h = make_hasher(kind);
    for (std::size_t split = 0; split <= data.size(); ++split) {
      h->update(std::string_view(data).substr(0, split));
      h->update(std::string_view(data).substr(split));
      BOOST_TEST((h->finish() == whole), to_string(kind) << " split at " << split);
    }
    // Byte by byte, then reset() discards.
    for (char c : data) h->update(std::string_view(&c, 1));
    BOOST_TEST((h->finish() == whole));
    h->update("garbage");
    h->reset();
    h->update(data);
    BOOST_TEST((h->finish() == whole));
  }
  BOOST_TEST(!make_hasher(checksum_kind::none));
}

BOOST_AUTO_TEST_CASE(combine_equals_whole) {
  auto data = random_bytes(2000, 11);
  std::uint32_t whole32 = crc32c(bytes_of(data));
  std::uint64_t whole64 = crc64nvme(bytes_of(data));
  for (std::size_t split : {0u, 1u, 3u, 8u, 999u, 1999u, 2000u}) {
    auto a = std::string_view(data).substr(0, split), b = std::string_view(data).substr(split);
    BOOST_TEST(crc32c_combine(crc32c(bytes_of(a)), crc32c(bytes_of(b)), b.size()) == whole32);
    BOOST_TEST(crc64nvme_combine(crc64nvme(bytes_of(a)), crc64nvme(bytes_of(b)), b.size()) == whole64);
  }
  // Many parts, as per-part CRCs of a multipart upload.
  std::uint32_t acc32 = 0;
  std::uint64_t acc64 = 0;
  for (std::size_t off = 0; off < data.size(); off += 137) {
    auto part = std::string_view(data).substr(off, 137);
    acc32 = crc32c_combine(acc32, crc32c(bytes_of(part)), part.size());
    acc64 = crc64nvme_combine(acc64, crc64nvme(bytes_of(part)), part.size());
  }
  BOOST_TEST(acc32 == whole32);
  BOOST_TEST(acc64 == whole64);
  // Continuing a CRC equals combining.
  BOOST_TEST(crc32c(bytes_of(std::string_view(data).substr(5)), crc32c(bytes_of(data.substr(0, 5)))) == whole32);
}

BOOST_AUTO_TEST_CASE(kinds_and_encodings) {
  for (auto kind : all_kinds) BOOST_TEST((*parse_checksum_kind(to_string(kind)) == kind));
  BOOST_TEST((*parse_checksum_kind("SHA-256") == checksum_kind::sha256));
  BOOST_TEST((*parse_checksum_kind("none") == checksum_kind::none));
  BOOST_TEST(parse_checksum_kind("crc32").error().message.find("expected xxh3") != std::string::npos);

  BOOST_TEST(to_base64(std::vector<std::uint8_t>{}) == "");
  BOOST_TEST(to_base64(std::vector<std::uint8_t>{'f'}) == "Zg==");
  BOOST_TEST(to_base64(std::vector<std::uint8_t>{'f', 'o'}) == "Zm8=");
  BOOST_TEST(to_base64(std::vector<std::uint8_t>{'f', 'o', 'o'}) == "Zm9v");
  for (const char* bad : {"Zg=", "Z===", "Zh==", "Zm9=", "Zm 9v", "Zm9v=", "=Zm9", "Zg=a", "Zm-v"})
    BOOST_TEST(!from_base64(bad).has_value(), bad);
  BOOST_TEST(!from_hex("abc").has_value());
  BOOST_TEST(!from_hex("zz").has_value());

  // S3 / GCS: base64 of big-endian; Azure: base64 of little-endian.
  auto crc = compute_digest(checksum_kind::crc32c, "123456789");
  BOOST_TEST(crc.base64() == "4waSgw==");
  BOOST_TEST(gcs_crc32c_value(0xE3069283u) == "4waSgw==");
  BOOST_TEST(*parse_gcs_crc32c("4waSgw==") == 0xE3069283u);
  BOOST_TEST(azure_crc64_value(0xAE8B14860A799888ull) == "iJh5CoYUi64=");
  BOOST_TEST(*parse_azure_crc64("iJh5CoYUi64=") == 0xAE8B14860A799888ull);
  BOOST_TEST(compute_digest(checksum_kind::crc64nvme, "123456789").base64() == "rosUhgp5mIg=");
  BOOST_TEST(!parse_azure_crc64("4waSgw==").has_value());  // 4 bytes, not 8
  BOOST_TEST(s3_checksum_header(checksum_kind::crc64nvme) == "x-amz-checksum-crc64nvme");
  BOOST_TEST(s3_checksum_header(checksum_kind::xxh3).empty());

  auto d = digest::from_base64(checksum_kind::crc32c, "4waSgw==");
  BOOST_TEST((*d == crc));
  BOOST_TEST(d->as_u64() == 0xE3069283u);
  BOOST_TEST(!digest::from_base64(checksum_kind::sha256, "4waSgw==").has_value());
  BOOST_TEST(!digest::from_hex(checksum_kind::none, "").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
