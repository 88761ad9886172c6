// Local file primitives: full reads and writes, preallocation, atomic replacement and its cleanup on failure.
#include "ferry/local_file.hpp"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fcntl.h>
#include <unistd.h>

using namespace ferry;
using namespace ferry::io;
namespace fs = std::filesystem;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    std::string tmpl = (fs::temp_directory_path() / "ferry-file-io-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(std::string_view name) const { return (path / name).string(); }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(path), {})); }
};

std::span<const std::byte> bytes_of(std::string_view s) { return std::as_bytes(std::span(s.data(), s.size())); }

std::string slurp(const std::string& path) {
  auto fd = open_read(path);
  BOOST_REQUIRE(fd.has_value());
  auto st = stat_fd(fd->get(), path);
  std::string out(st->size, '\0');
  BOOST_REQUIRE(pread_all(fd->get(), std::as_writable_bytes(std::span(out)), 0, path).has_value());
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(file_io)

BOOST_AUTO_TEST_CASE(read_write_roundtrip) {
  temp_dir dir;
  BOOST_REQUIRE(write_file_atomic(dir / "a.bin", bytes_of("hello world")).has_value());
  BOOST_TEST(slurp(dir / "a.bin") == "hello world");
  auto fd = open_read(dir / "a.bin");
  std::array<std::byte, 5> buf;
  BOOST_REQUIRE(pread_all(fd->get(), buf, 6, "a.bin").has_value());
  BOOST_TEST(std::string(reinterpret_cast<char*>(buf.data()), 5) == "world");
  // Reading past the end: pread_all fails naming the file, pread_some returns what there is.
  auto short_read = pread_all(fd->get(), buf, 9, dir / "a.bin");
  BOOST_REQUIRE(!short_read);
  BOOST_TEST(short_read.error().message.find("shorter than expected") != std::string::npos);
  BOOST_TEST(short_read.error().message.find("a.bin") != std::string::npos);
  BOOST_TEST(*pread_some(fd->get(), buf, 9, "a.bin") == 2u);
  auto info = stat_fd(fd->get(), "a.bin");
  BOOST_TEST(info->size == 11u);
  BOOST_TEST(info->regular);
}

BOOST_AUTO_TEST_CASE(errors_name_the_path) {
  temp_dir dir;
  auto missing = open_read(dir / "nope");
  BOOST_REQUIRE(!missing);
  BOOST_TEST((missing.error().kind == error::not_found));
  BOOST_TEST(missing.error().message.find("nope") != std::string::npos);
  auto is_dir = open_read(dir.path.string());
  BOOST_REQUIRE(!is_dir);
  BOOST_TEST((is_dir.error().kind == error::invalid_argument));
  BOOST_TEST((create_exclusive(dir / "x").has_value()));
  BOOST_TEST((create_exclusive(dir / "x").error().kind == error::already_exists));
  BOOST_TEST(!write_file_atomic(dir / "no/such/dir/f", bytes_of("x")).has_value());
  BOOST_TEST((write_file_atomic(dir.path.string() + "/", bytes_of("x")).error().kind == error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(preallocate_and_write_at) {
  temp_dir dir;
  auto f = atomic_file::create(dir / "big");
  BOOST_REQUIRE(f.has_value());
  BOOST_REQUIRE(f->preallocate(1 << 20).has_value());
  BOOST_REQUIRE(f->write_at(10, bytes_of("tail")).has_value());
  BOOST_REQUIRE(f->write_at(0, bytes_of("head")).has_value());
  BOOST_TEST(stat_fd(f->fd(), "big")->size == (1u << 20));
  BOOST_REQUIRE(f->commit().has_value());
  auto content = slurp(dir / "big");
  BOOST_TEST(content.substr(0, 4) == "head");
  BOOST_TEST(content.substr(10, 4) == "tail");
}

BOOST_AUTO_TEST_CASE(atomic_replace_and_no_replace) {
  temp_dir dir;
  BOOST_REQUIRE(write_file_atomic(dir / "f", bytes_of("one")).has_value());
  BOOST_REQUIRE(write_file_atomic(dir / "f", bytes_of("two")).has_value());
  BOOST_TEST(slurp(dir / "f") == "two");
  auto again = write_file_atomic(dir / "f", bytes_of("three"), atomic_file::replace_mode::no_replace);
  BOOST_REQUIRE(!again);
  BOOST_TEST((again.error().kind == error::already_exists));
  BOOST_TEST(slurp(dir / "f") == "two");
  BOOST_TEST(write_file_atomic(dir / "g", bytes_of("new"), atomic_file::replace_mode::no_replace).has_value());
  BOOST_TEST(dir.entries() == 2u);  // no temp files left behind, even by the refused write
}

BOOST_AUTO_TEST_CASE(abandoned_write_leaves_nothing) {
  temp_dir dir;
  {
    auto f = atomic_file::create(dir / "dst");
    BOOST_REQUIRE(f.has_value());
    BOOST_TEST(is_atomic_temp_name(fs::path(f->temp_path()).filename().string()));
    BOOST_REQUIRE(f->append(bytes_of("partial")).has_value());
    BOOST_TEST(dir.entries() == 1u);  // only the temp file
  }  // destroyed without commit
  BOOST_TEST(dir.entries() == 0u);
  BOOST_TEST(!fs::exists(dir / "dst"));

  // A commit that fails (the destination is a non-empty directory) removes the temp file too.
  fs::create_directory(dir / "dst");
  fs::create_directory(dir / "dst/child");
  auto f = atomic_file::create(dir / "dst");
  BOOST_REQUIRE(f.has_value());
  BOOST_REQUIRE(f->append(bytes_of("x")).has_value());
  BOOST_TEST(!f->commit().has_value());
  BOOST_TEST(dir.entries() == 1u);
  BOOST_TEST(!f->commit().has_value());  // a second commit is refused, not UB
}

BOOST_AUTO_TEST_CASE(moving_keeps_one_owner) {
  temp_dir dir;
  auto f = atomic_file::create(dir / "m");
  BOOST_REQUIRE(f.has_value());
  atomic_file moved(std::move(*f));
  BOOST_REQUIRE(moved.append(bytes_of("abc")).has_value());
  BOOST_REQUIRE(moved.commit().has_value());
  BOOST_TEST(slurp(dir / "m") == "abc");

  unique_fd a(::open((dir / "m").c_str(), O_RDONLY));
  int raw = a.get();
  unique_fd b;
  b = std::move(a);
  BOOST_TEST(!a);
  BOOST_TEST(b.get() == raw);
}

BOOST_AUTO_TEST_CASE(temp_names) {
  BOOST_TEST(is_atomic_temp_name(".x.ferry-tmp-0123456789abcdef"));
  BOOST_TEST(!is_atomic_temp_name("x.ferry-tmp-0123456789abcdef"));
  BOOST_TEST(!is_atomic_temp_name(".x.ferry-tmp-0123456789abcdeg"));
  BOOST_TEST(!is_atomic_temp_name(".x.ferry-tmp-0123"));
  BOOST_TEST(parent_directory("a/b/c") == "a/b");
  BOOST_TEST(parent_directory("/c") == "/");
  BOOST_TEST(parent_directory("c") == ".");
  // Long names still give a temp name under NAME_MAX.
  temp_dir dir;
  auto f = atomic_file::create(dir / std::string(250, 'n'));
  BOOST_TEST(f.has_value());
}

BOOST_AUTO_TEST_SUITE_END()
