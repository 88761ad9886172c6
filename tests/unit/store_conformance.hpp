// Behaviour every object_store must share, run against the local and memory stores by their own suites.
#pragma once

#include "ferry/object_store.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

namespace store_test {

using namespace ferry;

template <class T>
T run(boost::asio::awaitable<T> op) {
  boost::asio::io_context ctx;
  auto fut = boost::asio::co_spawn(ctx, std::move(op), boost::asio::use_future);
  ctx.run();
  return fut.get();
}

inline std::shared_ptr<http::body_source> body(std::string s) { return http::body_from_string(std::move(s)); }

inline result<std::string> get(object_store& s, const std::string& key, std::uint64_t offset = 0,
                               std::uint64_t length = whole_object, read_conditions cond = {}) {
  std::string out;
  auto r = run(s.get_range(key, offset, length,
                           [&](std::span<const std::byte> b) -> result<void> {
                             out.append(reinterpret_cast<const char*>(b.data()), b.size());
                             return {};
                           },
                           cond));
  if (!r) return r.error();
  return out;
}

inline object_info put_ok(object_store& s, const std::string& key, std::string data, put_options o = {}) {
  auto r = run(s.put(key, body(std::move(data)), std::move(o)));
  BOOST_REQUIRE_MESSAGE(r.has_value(), (r ? "" : r.error().what()));
  return *r;
}

inline std::vector<std::string> keys_of(const list_page& p) {
  std::vector<std::string> out;
  for (auto& o : p.objects) out.push_back(o.key);
  return out;
}

inline void put_get_stat_remove(object_store& s) {
  auto info = put_ok(s, "dir/a.bin", "hello world");
  BOOST_TEST(info.size == 11u);
  BOOST_TEST(!info.etag.empty());
  auto st = run(s.stat("dir/a.bin", {}));
  BOOST_REQUIRE(st.has_value());
  BOOST_TEST(st->size == 11u);
  BOOST_TEST(st->etag == info.etag);
  BOOST_TEST(*get(s, "dir/a.bin") == "hello world");
  BOOST_TEST(*get(s, "dir/a.bin", 6, 5) == "world");
  BOOST_TEST(*get(s, "dir/a.bin", 6, 500) == "world");  // clipped
  BOOST_TEST(*get(s, "dir/a.bin", 11) == "");           // at the end: nothing
  BOOST_TEST((get(s, "dir/a.bin", 12).error().kind == error::range_not_satisfiable));
  BOOST_TEST((run(s.stat("dir/missing", {})).error().kind == error::not_found));
  BOOST_TEST((get(s, "missing").error().kind == error::not_found));
  // Empty objects.
  put_ok(s, "empty", "");
  BOOST_TEST(*get(s, "empty") == "");
  // Replace changes the ETag; pinned reads fail after the change.
  auto v2 = put_ok(s, "dir/a.bin", "second version");
  BOOST_TEST(v2.etag != info.etag);
  read_conditions pinned{info.etag, {}};
  BOOST_TEST((get(s, "dir/a.bin", 0, whole_object, pinned).error().kind == error::precondition_failed));
  BOOST_TEST(*get(s, "dir/a.bin", 0, whole_object, read_conditions{v2.etag, {}}) == "second version");
  // A failing sink aborts the read with its failure.
  auto aborted = run(s.get_range("dir/a.bin", 0, whole_object,
                                 [](std::span<const std::byte>) -> result<void> {
                                   return failure(error::cancelled, "stop");
                                 },
                                 {}));
  BOOST_TEST((aborted.error().kind == error::cancelled));

  BOOST_TEST(run(s.remove("dir/a.bin", {})).has_value());
  BOOST_TEST((run(s.stat("dir/a.bin", {})).error().kind == error::not_found));
  BOOST_TEST(run(s.remove("dir/a.bin", {})).has_value());  // removing a missing key succeeds
}

inline void conditional_puts(object_store& s) {
  put_options create_only;
  create_only.if_none_match = "*";
  auto first = put_ok(s, "cond", "v1", create_only);
  auto again = run(s.put("cond", body("v2"), create_only));
  BOOST_TEST((again.error().kind == error::already_exists));
  BOOST_TEST(*get(s, "cond") == "v1");

  put_options match;
  match.if_match = first.etag;
  auto second = put_ok(s, "cond", "v2", match);
  auto stale = run(s.put("cond", body("v3"), match));  // first.etag is stale now
  BOOST_TEST((stale.error().kind == error::precondition_failed));
  BOOST_TEST(*get(s, "cond") == "v2");
  put_options missing;
  missing.if_match = second.etag;
  BOOST_TEST((run(s.put("never-written", body("x"), missing)).error().kind == error::precondition_failed));
  put_options weird;
  weird.if_none_match = "\"etag\"";
  BOOST_TEST((run(s.put("cond", body("x"), weird)).error().kind == error::unsupported));
  // Conditional removal.
  BOOST_TEST((run(s.remove("cond", read_conditions{first.etag, {}})).error().kind == error::precondition_failed));
  BOOST_TEST(run(s.remove("cond", read_conditions{second.etag, {}})).has_value());
}

inline void checksummed_puts(object_store& s) {
  put_options good;
  good.checksums = {compute_digest(checksum_kind::crc32c, "payload"), compute_digest(checksum_kind::sha256, "payload")};
  auto info = put_ok(s, "sum", "payload", good);
  BOOST_TEST(info.checksums.count(checksum_kind::crc32c) == 1u);
  put_options bad;
  bad.checksums = {compute_digest(checksum_kind::md5, "something else")};
  auto r = run(s.put("sum2", body("payload"), bad));
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().kind == error::checksum_mismatch));
  BOOST_TEST((run(s.stat("sum2", {})).error().kind == error::not_found));  // nothing stored
  auto replace = run(s.put("sum", body("tampered"), bad));
  BOOST_TEST(!replace.has_value());
  BOOST_TEST(*get(s, "sum") == "payload");  // the old object survives a failed replace
}

inline void listing(object_store& s) {
  for (const char* k : {"l/a", "l/b/1", "l/b/2", "l/c/x/y", "l/d", "l-other", "m"}) put_ok(s, k, k);
  auto all = run(s.list(list_request{"l/", "", "", 1000}));
  BOOST_REQUIRE(all.has_value());
  BOOST_TEST((keys_of(*all) == std::vector<std::string>{"l/a", "l/b/1", "l/b/2", "l/c/x/y", "l/d"}));
  BOOST_TEST(all->objects[0].size == 3u);
  BOOST_TEST(all->next_token.empty());

  auto top = run(s.list(list_request{"l/", "/", "", 1000}));
  BOOST_TEST((keys_of(*top) == std::vector<std::string>{"l/a", "l/d"}));
  BOOST_TEST((top->common_prefixes == std::vector<std::string>{"l/b/", "l/c/"}));

  auto partial = run(s.list(list_request{"l/b", "", "", 1000}));
  BOOST_TEST((keys_of(*partial) == std::vector<std::string>{"l/b/1", "l/b/2"}));
  auto from_root = run(s.list(list_request{"", "/", "", 1000}));
  BOOST_TEST((keys_of(*from_root) == std::vector<std::string>{"l-other", "m"}));
  BOOST_TEST((from_root->common_prefixes == std::vector<std::string>{"l/"}));

  // Pages of two entries, common prefixes counting as entries, until no token.
  std::vector<std::string> seen;
  list_request req{"l/", "/", "", 2};
  int pages = 0;
  for (;;) {
    auto page = run(s.list(req));
    BOOST_REQUIRE(page.has_value());
    BOOST_TEST(page->objects.size() + page->common_prefixes.size() <= 2u);
    for (auto& o : page->objects) seen.push_back(o.key);
    for (auto& p : page->common_prefixes) seen.push_back(p);
    ++pages;
    if (page->next_token.empty()) break;
    req.page_token = page->next_token;
    BOOST_REQUIRE(pages < 10);
  }
  std::sort(seen.begin(), seen.end());
  BOOST_TEST((seen == std::vector<std::string>{"l/a", "l/b/", "l/c/", "l/d"}));
  BOOST_TEST(pages == 2);

  auto none = run(s.list(list_request{"zzz/", "/", "", 10}));
  BOOST_TEST(none->objects.empty());
}

inline void multipart(object_store& s) {
  auto id = run(s.create_multipart("mp/object", {}));
  BOOST_REQUIRE(id.has_value());
  auto p2 = run(s.upload_part("mp/object", *id, 2, body("world"), {}));
  auto p1 = run(s.upload_part("mp/object", *id, 1, body("hello "), {}));
  BOOST_REQUIRE(p1.has_value());
  BOOST_REQUIRE(p2.has_value());
  BOOST_TEST(p1->size == 6u);
  auto listed = run(s.list_parts("mp/object", *id));
  BOOST_REQUIRE(listed.has_value());
  BOOST_REQUIRE(listed->size() == 2u);
  BOOST_TEST((*listed)[0].number == 1u);
  BOOST_TEST((*listed)[0].etag == p1->etag);
  // In-progress uploads are invisible.
  BOOST_TEST((run(s.stat("mp/object", {})).error().kind == error::not_found));
  BOOST_TEST(keys_of(*run(s.list(list_request{"", "", "", 1000}))).empty());

  BOOST_TEST(!run(s.complete_multipart("mp/object", *id, {*p2, *p1})).has_value());  // out of order
  BOOST_TEST(!run(s.complete_multipart("mp/object", *id, {})).has_value());
  part_info wrong = *p1;
  wrong.etag = "\"bogus\"";
  BOOST_TEST(!run(s.complete_multipart("mp/object", *id, {wrong, *p2})).has_value());
  BOOST_TEST(!run(s.complete_multipart("other/key", *id, {*p1, *p2})).has_value());
  auto done = run(s.complete_multipart("mp/object", *id, {*p1, *p2}));
  BOOST_REQUIRE_MESSAGE(done.has_value(), (done ? "" : done.error().what()));
  BOOST_TEST(done->size == 11u);
  BOOST_TEST(*get(s, "mp/object") == "hello world");
  BOOST_TEST((run(s.list_parts("mp/object", *id)).error().kind == error::not_found));  // gone after complete

  // Abort discards; a bad upload id is not_found; part numbers are checked.
  auto id2 = run(s.create_multipart("mp/aborted", {}));
  BOOST_REQUIRE(run(s.upload_part("mp/aborted", *id2, 1, body("x"), {})).has_value());
  BOOST_TEST((run(s.upload_part("mp/aborted", *id2, 0, body("x"), {})).error().kind == error::invalid_argument));
  BOOST_TEST(run(s.abort_multipart("mp/aborted", *id2)).has_value());
  BOOST_TEST((run(s.abort_multipart("mp/aborted", *id2)).error().kind == error::not_found));
  BOOST_TEST((run(s.upload_part("mp/aborted", "../../etc", 1, body("x"), {})).error().kind == error::not_found));
  BOOST_TEST((run(s.stat("mp/aborted", {})).error().kind == error::not_found));

  // Conditions given at create apply at complete.
  put_options create_only;
  create_only.if_none_match = "*";
  auto id3 = run(s.create_multipart("mp/object", create_only));
  auto p = run(s.upload_part("mp/object", *id3, 1, body("new"), {}));
  BOOST_TEST((run(s.complete_multipart("mp/object", *id3, {*p})).error().kind == error::already_exists));
  BOOST_TEST(*get(s, "mp/object") == "hello world");
}

inline void copying(object_store& s) {
  auto src = put_ok(s, "copy/src", "copy me");
  auto c = run(s.copy("copy/src", "copy/dst/deep", {}));
  BOOST_REQUIRE(c.has_value());
  BOOST_TEST(*get(s, "copy/dst/deep") == "copy me");
  copy_options pinned;
  pinned.source.if_match = "\"stale\"";
  BOOST_TEST((run(s.copy("copy/src", "copy/x", pinned)).error().kind == error::precondition_failed));
  copy_options create_only;
  create_only.destination.if_none_match = "*";
  BOOST_TEST((run(s.copy("copy/src", "copy/dst/deep", create_only)).error().kind == error::already_exists));
  BOOST_TEST((run(s.copy("copy/none", "copy/y", {})).error().kind == error::not_found));
  BOOST_TEST(!s.presign("copy/src", {}).has_value());
}

inline void hostile_keys(object_store& s) {
  for (std::string_view k : {std::string_view(""), std::string_view("/etc/passwd"), std::string_view("../escape"),
                             std::string_view("a/../../escape"), std::string_view("a\0b", 3)}) {
    auto r = run(s.put(std::string(k), body("x"), {}));
    BOOST_TEST(!r.has_value());
    if (!r) BOOST_TEST((r.error().kind == error::invalid_argument));
    BOOST_TEST(!run(s.stat(std::string(k), {})).has_value());
    BOOST_TEST(!get(s, std::string(k)).has_value());
  }
  BOOST_TEST(!run(s.put(std::string(1025, 'k'), body("x"), {})).has_value());
}

}  // namespace store_test
