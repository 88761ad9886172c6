// Sizes, Range / Content-Range values and part planning, with hostile and boundary inputs.
#include "ferry/byte_range.hpp"
#include "ferry/size.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;

namespace {
constexpr std::uint64_t KiB = 1024, MiB = KiB * 1024, GiB = MiB * 1024;
}

BOOST_AUTO_TEST_SUITE(size_parse)

BOOST_AUTO_TEST_CASE(sizes) {
  BOOST_TEST(*parse_size("8MiB") == 8 * MiB);
  BOOST_TEST(*parse_size("64M") == 64 * MiB);
  BOOST_TEST(*parse_size("1GiB") == GiB);
  BOOST_TEST(*parse_size("512K") == 512 * KiB);
  BOOST_TEST(*parse_size("512k") == 512 * KiB);
  BOOST_TEST(*parse_size("1048576") == 1048576u);
  BOOST_TEST(*parse_size("1.5GiB") == GiB + GiB / 2);
  BOOST_TEST(*parse_size(" 8 MiB ") == 8 * MiB);
  BOOST_TEST(*parse_size("10MB") == 10'000'000u);
  BOOST_TEST(*parse_size("0") == 0u);
  BOOST_TEST(*parse_size("7b") == 7u);
  BOOST_TEST(*parse_size("18446744073709551615") == UINT64_MAX);
  BOOST_TEST(*parse_size("16383P") == 16383 * 1024 * GiB * KiB);
}

BOOST_AUTO_TEST_CASE(bad_sizes) {
  for (const char* bad : {"", " ", "-1", "+1", "1e6", "0x10", "MiB", "1.", ".5K", "8 MiBs", "8XB", "1.2.3K",
                          "18446744073709551616", "16384P", "17179869184G", "0.1K", "1.0000000000000000001K",
                          "99999999999999999999999"}) {
    auto r = parse_size(bad);
    BOOST_TEST(!r.has_value(), bad);
    if (!r) BOOST_TEST((r.error().kind == error::invalid_argument));
  }
  BOOST_TEST(parse_size("8Q").error().message.find("unknown unit") != std::string::npos);
  BOOST_TEST(parse_size(std::string_view("8\0M", 3)).error().message.find("\\x00") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(formatting) {
  BOOST_TEST(format_size(0) == "0 B");
  BOOST_TEST(format_size(1023) == "1023 B");
  BOOST_TEST(format_size(1024) == "1 KiB");
  BOOST_TEST(format_size(GiB + GiB / 2) == "1.5 GiB");
  BOOST_TEST(format_size(8 * MiB + MiB / 4) == "8.25 MiB");
  BOOST_TEST(format_size(MiB - 1) == "1 MiB");  // rounds up into the next unit
  BOOST_TEST(format_size(UINT64_MAX) == "16 EiB");
}

BOOST_AUTO_TEST_CASE(range_header) {
  auto r = parse_range_header("bytes=0-99", 1000);
  BOOST_TEST((*r == byte_range{0, 100}));
  BOOST_TEST((*parse_range_header("bytes=900-", 1000) == byte_range{900, 100}));
  BOOST_TEST((*parse_range_header("bytes=-10", 1000) == byte_range{990, 10}));
  BOOST_TEST((*parse_range_header("bytes=-5000", 1000) == byte_range{0, 1000}));
  BOOST_TEST((*parse_range_header("bytes=10-5000", 1000) == byte_range{10, 990}));  // clamped
  BOOST_TEST((*parse_range_header(" Bytes = 1 - 2 ", 1000) == byte_range{1, 2}));
  BOOST_TEST(format_range_header({10, 5}) == "bytes=10-14");

  BOOST_TEST((parse_range_header("bytes=1000-", 1000).error().kind == error::range_not_satisfiable));
  BOOST_TEST((parse_range_header("bytes=-0", 1000).error().kind == error::range_not_satisfiable));
  BOOST_TEST((parse_range_header("bytes=0-", 0).error().kind == error::range_not_satisfiable));
  BOOST_TEST((parse_range_header("bytes=-1", 0).error().kind == error::range_not_satisfiable));
  BOOST_TEST((parse_range_header("bytes=0-1,5-6", 1000).error().kind == error::unsupported));
  for (const char* bad : {"", "bytes", "bytes=", "bytes=-", "bytes=5-1", "items=0-1", "bytes=a-b", "bytes=0x1-2",
                          "bytes=--1", "bytes=1-2-3", "bytes=99999999999999999999-", "bytes=+1-2"})
    BOOST_TEST((parse_range_header(bad, 1000).error().kind == error::invalid_argument), bad);
}

BOOST_AUTO_TEST_CASE(content_range_header) {
  auto c = parse_content_range_header("bytes 0-99/1000");
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(!c->unsatisfied);
  BOOST_TEST((c->range == byte_range{0, 100}));
  BOOST_TEST(c->total == 1000u);
  auto star = parse_content_range_header("bytes */1000");
  BOOST_TEST(star->unsatisfied);
  BOOST_TEST(star->total == 1000u);
  auto unknown = parse_content_range_header("bytes 5-9/*");
  BOOST_TEST(!unknown->total_known);
  BOOST_TEST(format_content_range({0, 100}, 1000) == "bytes 0-99/1000");
  BOOST_TEST(format_content_range({0, 0}, 1000) == "bytes */1000");
  for (const char* bad : {"", "bytes", "bytes 0-99", "bytes 99-0/1000", "bytes 0-1000/1000", "bytes */*",
                          "bytes -1-2/3", "bytes 0-1/x", "octets 0-1/2", "bytes 0-18446744073709551615/*",
                          "bytes 0-99999999999999999999/1", "bytes a-b/10"})
    BOOST_TEST(!parse_content_range_header(bad).has_value(), bad);
}

BOOST_AUTO_TEST_CASE(part_planning) {
  part_limits s3{5 * MiB, 5 * GiB, 10000, 1};
  BOOST_TEST(*choose_part_size(100 * MiB, 8 * MiB, s3) == 8 * MiB);
  BOOST_TEST(*choose_part_size(100 * MiB, 1 * MiB, s3) == 5 * MiB);     // raised to the minimum
  BOOST_TEST(*choose_part_size(100 * MiB, 0, s3) == default_part_size);  // default
  BOOST_TEST(*choose_part_size(100 * MiB, 10 * GiB, s3) == 5 * GiB);    // lowered to the maximum
  // 1 TiB in 8 MiB parts would be 131072 parts: grown to fit 10000, whole MiB.
  std::uint64_t tib = 1024 * GiB;
  auto big = *choose_part_size(tib, 8 * MiB, s3);
  BOOST_TEST(big % MiB == 0u);
  BOOST_TEST((tib + big - 1) / big <= 10000u);
  BOOST_TEST(big < 8 * MiB + 200 * MiB);
  // 5 TiB fits exactly at the maximum; slightly more does not.
  BOOST_TEST(choose_part_size(10000 * 5 * GiB, 0, s3).has_value());
  BOOST_TEST((choose_part_size(10000 * 5 * GiB + 1, 0, s3).error().kind == error::quota_exceeded));
  part_limits gcs{256 * KiB, 5 * GiB, 10000, 256 * KiB};
  BOOST_TEST(*choose_part_size(GiB, 1000 * KiB, gcs) == 1024 * KiB);  // rounded to 256 KiB multiple
  BOOST_TEST((choose_part_size(1, 1, part_limits{0, 1, 1, 1}).error().kind == error::invalid_argument));
  BOOST_TEST((choose_part_size(1, 1, part_limits{10, 5, 1, 1}).error().kind == error::invalid_argument));
  BOOST_TEST((choose_part_size(1, 1, part_limits{1, 5, 1, 7}).error().kind == error::invalid_argument));

  auto parts = plan_parts(10, 4);
  BOOST_REQUIRE(parts.size() == 3u);
  BOOST_TEST((parts[0] == byte_range{0, 4}));
  BOOST_TEST((parts[2] == byte_range{8, 2}));
  BOOST_TEST(plan_parts(0, 4).empty());
  BOOST_TEST(plan_parts(8, 4).size() == 2u);
  BOOST_TEST(plan_parts(3, 0).size() == 1u);
  auto edge = plan_parts(UINT64_MAX, UINT64_MAX / 2);  // no overflow at the top of the range
  BOOST_TEST(edge.size() == 3u);
  BOOST_TEST(edge.back().end() == UINT64_MAX);
}

BOOST_AUTO_TEST_SUITE_END()
