// The directory-backed object_store: shared conformance plus what only a filesystem can get wrong
// (temp files, staging directories, paths escaping the root, half-failed writes).
#include "providers/storage/local/local_store.hpp"

#include "store_conformance.hpp"

#include <filesystem>
#include <fstream>

using namespace ferry;
using namespace ferry::storage;
using namespace store_test;
namespace fs = std::filesystem;

namespace {

struct local_fixture {
  fs::path root;
  std::shared_ptr<local_store> store;
  local_fixture() {
    std::string tmpl = (fs::temp_directory_path() / "ferry-local-store-XXXXXX").string();
    root = ::mkdtemp(tmpl.data());
    auto s = local_store::open(root.string());
    BOOST_REQUIRE(s.has_value());
    store = *s;
  }
  ~local_fixture() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  // Every file under the root, relative, including hidden and staging ones.
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    for (auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) out.push_back(e.path().lexically_relative(root).generic_string());
    std::sort(out.begin(), out.end());
    return out;
  }
};

// A body that fails after handing out some bytes, like a connection dropping mid-upload.
class failing_body final : public http::body_source {
 public:
  std::optional<std::uint64_t> size() const override { return 1 << 20; }
  result<void> rewind() override {
    sent_ = 0;
    return {};
  }
  result<std::size_t> read(std::span<std::byte> out) override {
    if (sent_ >= 4096) return failure(error::connection_failed, "peer reset");
    std::size_t n = std::min<std::size_t>(out.size(), 4096);
    std::fill_n(out.begin(), n, std::byte{'z'});
    sent_ += n;
    return n;
  }

 private:
  std::size_t sent_ = 0;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(local_store)

BOOST_FIXTURE_TEST_CASE(put_get_stat_remove_case, local_fixture) { put_get_stat_remove(*store); }
BOOST_FIXTURE_TEST_CASE(conditional_puts_case, local_fixture) { conditional_puts(*store); }
BOOST_FIXTURE_TEST_CASE(checksummed_puts_case, local_fixture) { checksummed_puts(*store); }
BOOST_FIXTURE_TEST_CASE(listing_case, local_fixture) { listing(*store); }
BOOST_FIXTURE_TEST_CASE(multipart_case, local_fixture) { multipart(*store); }
BOOST_FIXTURE_TEST_CASE(copying_case, local_fixture) { copying(*store); }
BOOST_FIXTURE_TEST_CASE(hostile_keys_case, local_fixture) { hostile_keys(*store); }

BOOST_FIXTURE_TEST_CASE(keys_map_to_files_under_root, local_fixture) {
  put_ok(*store, "a/b/c.bin", "data");
  BOOST_TEST(fs::is_regular_file(root / "a/b/c.bin"));
  BOOST_TEST((files() == std::vector<std::string>{"a/b/c.bin"}));
  // Removing the last object under a directory removes the emptied directories.
  BOOST_REQUIRE(run(store->remove("a/b/c.bin", {})).has_value());
  BOOST_TEST(fs::is_empty(root));
  // Filesystem-only rules.
  for (const char* k : {"a//b", "dir/", "back\\slash", ".ferry-uploads/x", "x.ferry-part"})
    BOOST_TEST((run(store->put(k, body("x"), {})).error().kind == error::invalid_argument), k);
  // An object and a prefix cannot share a name on a filesystem.
  put_ok(*store, "file", "x");
  auto clash = run(store->put("file/child", body("y"), {}));
  BOOST_REQUIRE(!clash);
  BOOST_TEST((clash.error().kind == error::invalid_argument));
  put_ok(*store, "dir/child", "x");
  BOOST_TEST(!run(store->put("dir", body("y"), {})).has_value());
  BOOST_TEST((run(store->stat("dir", {})).error().kind == error::not_found));  // a directory is not an object
  BOOST_TEST(run(store->remove("dir", {})).has_value());                       // and removing it does nothing
  BOOST_TEST(fs::exists(root / "dir/child"));
}

BOOST_FIXTURE_TEST_CASE(half_failed_write_leaves_nothing, local_fixture) {
  auto r = run(store->put("victim", std::make_shared<failing_body>(), {}));
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().kind == error::connection_failed));
  BOOST_TEST(files().empty());
  // Replacing an existing object with a failing body keeps the old one intact.
  put_ok(*store, "victim", "original");
  BOOST_TEST(!run(store->put("victim", std::make_shared<failing_body>(), {})).has_value());
  BOOST_TEST(*get(*store, "victim") == "original");
  BOOST_TEST((files() == std::vector<std::string>{"victim"}));
  // A body shorter than it declared is refused too.
  class lying_body final : public http::body_source {
   public:
    std::optional<std::uint64_t> size() const override { return 100; }
    result<void> rewind() override { return {}; }
    result<std::size_t> read(std::span<std::byte>) override { return std::size_t{0}; }
  };
  BOOST_TEST(!run(store->put("liar", std::make_shared<lying_body>(), {})).has_value());
  BOOST_TEST((files() == std::vector<std::string>{"victim"}));
}

BOOST_FIXTURE_TEST_CASE(staging_and_temp_files_are_hidden, local_fixture) {
  put_ok(*store, "visible", "v");
  auto id = run(store->create_multipart("big", {}));
  BOOST_REQUIRE(run(store->upload_part("big", *id, 1, body("part"), {})).has_value());
  // Litter a killed writer could leave: a temp file, a download part file and journal.
  std::ofstream(root / ".visible.ferry-tmp-0123456789abcdef") << "junk";
  std::ofstream(root / "other.ferry-part") << "junk";
  std::ofstream(root / "other.ferry-journal") << "junk";
  auto page = run(store->list(list_request{"", "", "", 1000}));
  BOOST_TEST((keys_of(*page) == std::vector<std::string>{"visible"}));
  auto delimited = run(store->list(list_request{"", "/", "", 1000}));
  BOOST_TEST(delimited->common_prefixes.empty());
  BOOST_TEST(fs::exists(root / ".ferry-uploads" / *id));
  BOOST_TEST(run(store->abort_multipart("big", *id)).has_value());
  BOOST_TEST(!fs::exists(root / ".ferry-uploads" / *id));
  // Hostile listing prefixes are refused rather than walked.
  BOOST_TEST(!run(store->list(list_request{"../", "", "", 10})).has_value());
  BOOST_TEST(!run(store->list(list_request{"a/../../", "", "", 10})).has_value());
  BOOST_TEST(!run(store->list(list_request{".ferry-uploads/", "", "", 10})).has_value());
}

BOOST_FIXTURE_TEST_CASE(etag_pins_reads_across_replacement, local_fixture) {
  auto v1 = put_ok(*store, "obj", std::string(3 << 20, 'a'));
  std::string got;
  bool replaced = false;
  // Replace the object while a read is streaming: the read keeps the inode it opened.
  auto r = run(store->get_range("obj", 0, whole_object,
                                [&](std::span<const std::byte> b) -> result<void> {
                                  if (!replaced) {
                                    replaced = true;
                                    put_ok(*store, "obj", std::string(3 << 20, 'b'));
                                  }
                                  got.append(reinterpret_cast<const char*>(b.data()), b.size());
                                  return {};
                                },
                                read_conditions{v1.etag, {}}));
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(got == std::string(3 << 20, 'a'));
  BOOST_TEST(run(store->stat("obj", {}))->etag != v1.etag);
}

BOOST_AUTO_TEST_CASE(open_errors) {
  BOOST_TEST((ferry::storage::local_store::open("").error().kind == error::invalid_argument));
  BOOST_TEST((ferry::storage::local_store::open("/nonexistent/ferry/root").error().kind == error::not_found));
  BOOST_TEST((ferry::storage::local_store::open("/etc/hostname").error().kind == error::invalid_argument));
  std::string tmpl = (fs::temp_directory_path() / "ferry-local-open-XXXXXX").string();
  fs::path made = ::mkdtemp(tmpl.data());
  local_store_options o;
  o.create_root = true;
  auto s = ferry::storage::local_store::open((made / "new/root").string(), o);
  BOOST_TEST(s.has_value());
  fs::remove_all(made);
}

BOOST_AUTO_TEST_SUITE_END()
