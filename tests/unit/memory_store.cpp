// The in-memory object_store: shared conformance, fault injection, S3-like multipart ETags, thread safety.
#include "providers/storage/memory/memory_store.hpp"

#include "store_conformance.hpp"

#include <thread>

using namespace ferry;
using namespace ferry::storage;
using namespace store_test;

namespace {
struct memory_fixture {
  std::shared_ptr<memory_store> store = std::make_shared<memory_store>();
};
}  // namespace

BOOST_AUTO_TEST_SUITE(memory_store)

BOOST_FIXTURE_TEST_CASE(put_get_stat_remove_case, memory_fixture) { put_get_stat_remove(*store); }
BOOST_FIXTURE_TEST_CASE(conditional_puts_case, memory_fixture) { conditional_puts(*store); }
BOOST_FIXTURE_TEST_CASE(checksummed_puts_case, memory_fixture) { checksummed_puts(*store); }
BOOST_FIXTURE_TEST_CASE(listing_case, memory_fixture) { listing(*store); }
BOOST_FIXTURE_TEST_CASE(multipart_case, memory_fixture) { multipart(*store); }
BOOST_FIXTURE_TEST_CASE(copying_case, memory_fixture) { copying(*store); }
BOOST_FIXTURE_TEST_CASE(hostile_keys_case, memory_fixture) { hostile_keys(*store); }

BOOST_FIXTURE_TEST_CASE(remote_style_keys_allowed, memory_fixture) {
  put_ok(*store, "a//b", "x");
  put_ok(*store, "folder/", "");
  BOOST_TEST(run(store->stat("folder/", {})).has_value());
}

BOOST_FIXTURE_TEST_CASE(fault_hook_fails_chosen_operations, memory_fixture) {
  put_ok(*store, "k", "v");
  int calls = 0;
  store->set_fault_hook([&](std::string_view op, std::string_view key) -> result<void> {
    ++calls;
    if (op == "get" && key == "k") return failure(error::throttled, "SlowDown");
    return {};
  });
  BOOST_TEST((get(*store, "k").error().kind == error::throttled));
  BOOST_TEST(run(store->stat("k", {})).has_value());
  BOOST_TEST(calls == 2);
  store->set_fault_hook(nullptr);
  BOOST_TEST(*get(*store, "k") == "v");
}

BOOST_FIXTURE_TEST_CASE(s3_like_metadata, memory_fixture) {
  put_options o;
  o.content_type = "application/octet-stream";
  o.metadata["origin"] = "test";
  auto info = put_ok(*store, "m", "123456789", o);
  BOOST_TEST(info.content_type == "application/octet-stream");
  BOOST_TEST(info.metadata.at("origin") == "test");
  BOOST_TEST(info.version == "1");
  // CRC64NVME is kept for every object, as S3 does by default.
  BOOST_TEST(info.checksums.at(checksum_kind::crc64nvme).hex() == "ae8b14860a799888");
  auto id = run(store->create_multipart("mp", {}));
  auto p1 = run(store->upload_part("mp", *id, 1, body("1234"), {}));
  auto p2 = run(store->upload_part("mp", *id, 2, body("56789"), {}));
  auto done = run(store->complete_multipart("mp", *id, {*p1, *p2}));
  BOOST_TEST(done->etag.ends_with("-2\""));
  BOOST_TEST(done->checksums.at(checksum_kind::crc64nvme).hex() == "ae8b14860a799888");
  BOOST_TEST(store->upload_count() == 0u);
}

BOOST_FIXTURE_TEST_CASE(limits_are_enforced, memory_fixture) {
  memory_store_options o;
  o.limits.parts = part_limits{4, 8, 3, 1};
  o.limits.max_single_put = 10;
  o.read_chunk = 3;
  ferry::storage::memory_store small(o);
  BOOST_TEST((run(small.put("big", body(std::string(11, 'x')), {})).error().kind == error::quota_exceeded));
  auto id = run(small.create_multipart("k", {}));
  BOOST_TEST(!run(small.upload_part("k", *id, 4, body("x"), {})).has_value());      // part number > max_parts
  BOOST_TEST(!run(small.upload_part("k", *id, 1, body("123456789"), {})).has_value());  // over max_part
  auto p1 = run(small.upload_part("k", *id, 1, body("12"), {}));
  auto p2 = run(small.upload_part("k", *id, 2, body("34"), {}));
  BOOST_TEST(!run(small.complete_multipart("k", *id, {*p1, *p2})).has_value());  // first part under min_part
  int chunks = 0;
  put_ok(small, "c", "1234567");
  run(small.get_range("c", 0, whole_object, [&](std::span<const std::byte>) -> result<void> { ++chunks; return {}; }, {}));
  BOOST_TEST(chunks == 3);
}

BOOST_FIXTURE_TEST_CASE(concurrent_writers_and_readers, memory_fixture) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        auto r = run(store->put(key, body(key), {}));
        if (r) (void)get(*store, key);
        (void)run(store->list(list_request{"", "/", "", 10}));
      }
    });
  for (auto& th : threads) th.join();
  BOOST_TEST(store->object_count() == 200u);
  BOOST_TEST(*get(*store, "t3/49") == "t3/49");
}

BOOST_AUTO_TEST_SUITE_END()
