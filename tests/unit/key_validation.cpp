// Key rules and the containment check for keys from remote listings, with hostile keys.
#include "providers/storage/key_validation.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;
using namespace ferry::storage;

BOOST_AUTO_TEST_SUITE(key_validation)

BOOST_AUTO_TEST_CASE(accepted_keys) {
  for (const char* k : {"a", "a/b/c.bin", "models/llama-3/weights-00001.safetensors", "with space", "...", "a..b",
                        ".hidden", "utf8-\xc3\xa9"}) {
    BOOST_TEST(validate_key(k, key_profile::object).has_value(), k);
    BOOST_TEST(validate_key(k, key_profile::filesystem).has_value(), k);
  }
  // Remote stores allow what a filesystem cannot hold.
  for (const char* k : {"a//b", "dir/", "back\\slash", "tab\there"}) {
    BOOST_TEST(validate_key(k, key_profile::object).has_value(), k);
    BOOST_TEST(!validate_key(k, key_profile::filesystem).has_value(), k);
  }
  BOOST_TEST(validate_key(std::string(1024, 'k'), key_profile::object).has_value());
}

BOOST_AUTO_TEST_CASE(rejected_keys) {
  for (auto profile : {key_profile::object, key_profile::filesystem}) {
    for (std::string_view k : {std::string_view(""), std::string_view("/abs"), std::string_view(".."),
                               std::string_view("../x"), std::string_view("a/../../x"), std::string_view("a/.."),
                               std::string_view("./a"), std::string_view("a/./b"), std::string_view("a\0b", 3)}) {
      auto r = validate_key(k, profile);
      BOOST_TEST(!r.has_value());
      if (!r) BOOST_TEST((r.error().kind == error::invalid_argument));
    }
    BOOST_TEST(!validate_key(std::string(1025, 'k'), profile).has_value());
  }
  BOOST_TEST(!validate_key(std::string(256, 's'), key_profile::filesystem).has_value());
  BOOST_TEST(validate_key(std::string(256, 's'), key_profile::object).has_value());
  for (const char* k : {".ferry-uploads/x", "a/b.ferry-part", "b.ferry-journal", "d/.x.ferry-tmp-0123456789abcdef"})
    BOOST_TEST(!validate_key(k, key_profile::filesystem).has_value(), k);
}

BOOST_AUTO_TEST_CASE(messages_name_the_key_safely) {
  auto r = validate_key("../\x1b[2Jevil", key_profile::object);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("evil") != std::string::npos);
  BOOST_TEST(r.error().message.find('\x1b') == std::string::npos);
  auto longkey = validate_key(std::string(5000, 'x'), key_profile::object);
  BOOST_TEST(longkey.error().message.size() < 400u);  // truncated
}

BOOST_AUTO_TEST_CASE(listed_keys_stay_inside) {
  std::filesystem::path dest = "/data/out";
  auto ok = listed_key_destination(dest, "models/", "models/a/b.bin");
  BOOST_REQUIRE(ok.has_value());
  BOOST_TEST(ok->string() == "/data/out/a/b.bin");
  BOOST_TEST(listed_key_destination(dest, "models", "models/a")->string() == "/data/out/a");
  BOOST_TEST(listed_key_destination(dest, "", "x")->string() == "/data/out/x");
  BOOST_TEST(listed_key_destination("rel/dir", "p/", "p/q")->string() == "rel/dir/q");

  for (const char* hostile : {"models/../../etc/passwd", "models/a/../../..", "models//etc/passwd",
                              "models/a\\..\\..\\x", "models/", "models/dir/", "models/./x", "models/.ferry-uploads/x"})
    BOOST_TEST(!listed_key_destination(dest, "models/", hostile).has_value(), hostile);
  BOOST_TEST((listed_key_destination(dest, "models/", "other/x").error().kind == error::protocol_error));
  BOOST_TEST(!listed_key_destination(dest, "", "/etc/passwd").has_value());
  BOOST_TEST(!listed_key_destination(dest, "", std::string_view("a\0b", 3)).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
