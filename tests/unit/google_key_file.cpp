// Google credentials JSON files: service_account and authorized_user fields and defaults, every field error,
// unsupported types, hostile JSON (truncated, nested, wrong types, duplicate keys, NUL bytes, oversized), file
// errors naming the path, and no secret in any error text.
#include "src/auth/google_key_file.hpp"
#include "tests/integration/run_command.hpp"

#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include "tests/unit/unprivileged.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

using namespace ferry;
using namespace ferry::auth;
namespace json = boost::json;

namespace {

const std::string client_secret = "CLIENT-SECRET-zq8XkT";
const std::string refresh_token = "1//REFRESH-TOKEN-zq8XkT";

std::string pem_of(EVP_PKEY* key) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  BOOST_REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// The published conformance key (tests/unit/vectors; the file misses one comma, repaired here).
const std::string& rsa_pem() {
  static const std::string pem = [] {
    std::ifstream in(std::filesystem::path(FERRY_SOURCE_DIR) / "tests/unit/vectors/gcs_conformance_service_account.json");
    std::ostringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    text.insert(text.find("public.\"\n") + 8, ",");
    return std::string(json::parse(text).at("private_key").as_string());
  }();
  return pem;
}

// A line from the middle of the key's base64: must never show up in an error.
std::string key_fragment() { return rsa_pem().substr(200, 40); }

json::object service_account_json() {
  return {{"type", "service_account"},
          {"project_id", "ferry-project"},
          {"private_key_id", "0123456789abcdef"},
          {"private_key", rsa_pem()},
          {"client_email", "ferry@ferry-project.iam.gserviceaccount.com"},
          {"client_id", "1234567890"},
          {"token_uri", "https://oauth2.googleapis.com/token"},
          {"universe_domain", "googleapis.com"}};
}

json::object authorized_user_json() {
  return {{"type", "authorized_user"},
          {"client_id", "ferry-client.apps.googleusercontent.com"},
          {"client_secret", client_secret},
          {"refresh_token", refresh_token},
          {"quota_project_id", "ferry-quota"}};
}

result<google_key_file> parse(const json::object& o) { return parse_google_key_file(json::serialize(o), "key.json"); }

// The error, checked for the things every error must (and must not) say.
failure error_of(const result<google_key_file>& r) {
  BOOST_REQUIRE(!r);
  const std::string text = r.error().what();
  BOOST_TEST(text.find(key_fragment()) == std::string::npos, "private key in: " << text);
  BOOST_TEST(text.find("PRIVATE KEY") == std::string::npos, text);
  BOOST_TEST(text.find(client_secret) == std::string::npos, text);
  BOOST_TEST(text.find(refresh_token) == std::string::npos, text);
  return r.error();
}

bool mentions(const failure& f, std::string_view what) { return f.message.find(what) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(google_key_file_suite)

BOOST_AUTO_TEST_CASE(service_account_fields_and_defaults) {
  auto r = parse(service_account_json());
  BOOST_REQUIRE_MESSAGE(r, (r ? "" : r.error().what()));
  auto& sa = std::get<google_service_account>(*r);
  BOOST_TEST(google_key_file_type(*r) == "service_account");
  BOOST_TEST(sa.client_email == "ferry@ferry-project.iam.gserviceaccount.com");
  BOOST_TEST(sa.private_key_id == "0123456789abcdef");
  BOOST_TEST(sa.project_id == "ferry-project");
  BOOST_TEST(sa.private_key_pem == rsa_pem());
  BOOST_TEST(sa.private_key.bits() == 2048);
  BOOST_TEST(sa.token_uri == "https://oauth2.googleapis.com/token");

  auto minimal = service_account_json();
  for (auto k : {"token_uri", "universe_domain", "project_id", "private_key_id", "client_id"}) minimal.erase(k);
  minimal["token_uri"] = nullptr;  // null counts as absent, as in the SDKs
  auto m = parse(minimal);
  BOOST_REQUIRE_MESSAGE(m, (m ? "" : m.error().what()));
  auto& ms = std::get<google_service_account>(*m);
  BOOST_TEST(ms.token_uri == google_default_token_uri);
  BOOST_TEST(ms.universe_domain == google_default_universe_domain);
  BOOST_TEST(ms.private_key_id.empty());

  auto custom = service_account_json();
  custom["token_uri"] = "http://127.0.0.1:8080/token";
  custom["universe_domain"] = "example-universe.com";
  auto c = parse(custom);
  BOOST_REQUIRE(c);
  BOOST_TEST(std::get<google_service_account>(*c).token_uri == "http://127.0.0.1:8080/token");
  BOOST_TEST(std::get<google_service_account>(*c).universe_domain == "example-universe.com");
}

BOOST_AUTO_TEST_CASE(authorized_user_fields_and_defaults) {
  auto r = parse(authorized_user_json());
  BOOST_REQUIRE(r);
  auto& u = std::get<google_authorized_user>(*r);
  BOOST_TEST(google_key_file_type(*r) == "authorized_user");
  BOOST_TEST(u.client_id == "ferry-client.apps.googleusercontent.com");
  BOOST_TEST(u.client_secret == client_secret);
  BOOST_TEST(u.refresh_token == refresh_token);
  BOOST_TEST(u.quota_project_id == "ferry-quota");
  BOOST_TEST(u.token_uri == google_default_token_uri);
}

BOOST_AUTO_TEST_CASE(required_fields_missing_empty_or_wrong_type) {
  struct kind {
    json::object base;
    std::vector<std::string> required;
  };
  for (auto& [base, required] : {kind{service_account_json(), {"client_email", "private_key"}},
                                 kind{authorized_user_json(), {"client_id", "client_secret", "refresh_token"}}}) {
    for (auto& field : required) {
      BOOST_TEST_CONTEXT(field) {
        auto o = base;
        o.erase(field);
        auto missing = error_of(parse(o));
        BOOST_TEST((missing.kind == error::invalid_argument));
        BOOST_TEST(mentions(missing, "\"" + field + "\" is missing"), missing.message);
        BOOST_TEST(mentions(missing, "key.json"), missing.message);
        o[field] = "";
        BOOST_TEST(mentions(error_of(parse(o)), "\"" + field + "\" is empty"));
        for (json::value wrong : {json::value(42), json::value(true), json::value(json::array{"x"}),
                                  json::value(json::object{{"a", "b"}})}) {
          o[field] = wrong;
          BOOST_TEST(mentions(error_of(parse(o)), "\"" + field + "\" must be a string"));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(optional_fields_with_wrong_types) {
  for (auto field : {"private_key_id", "project_id", "universe_domain", "token_uri"}) {
    auto o = service_account_json();
    o[field] = 7;
    BOOST_TEST(mentions(error_of(parse(o)), std::string("\"") + field + "\" must be a string"), field);
  }
  for (auto field : {"quota_project_id", "token_uri"}) {
    auto o = authorized_user_json();
    o[field] = json::array{};
    BOOST_TEST(mentions(error_of(parse(o)), std::string("\"") + field + "\" must be a string"), field);
  }
  auto universe = service_account_json();
  universe["universe_domain"] = "evil.com/path?x";
  BOOST_TEST(mentions(error_of(parse(universe)), "\"universe_domain\" is not a domain name"));
  auto email = service_account_json();
  email["client_email"] = "not an e-mail";
  BOOST_TEST(mentions(error_of(parse(email)), "\"client_email\" is not an e-mail address"));
}

BOOST_AUTO_TEST_CASE(token_uri_must_be_an_http_url) {
  for (auto bad : {"", "ftp://example.com/token", "oauth2.googleapis.com/token", "javascript:alert(1)", "not a url",
                   "https://", "file:///etc/passwd"}) {
    for (auto base : {service_account_json(), authorized_user_json()}) {
      base["token_uri"] = bad;
      auto f = error_of(parse(base));
      BOOST_TEST(mentions(f, "\"token_uri\""), bad << ": " << f.message);
      BOOST_TEST((f.kind == error::invalid_argument));
    }
  }
  auto ok = authorized_user_json();
  ok["token_uri"] = "http://localhost:9/o/oauth2/token";
  BOOST_TEST(parse(ok).has_value());
}

BOOST_AUTO_TEST_CASE(private_key_that_is_not_a_usable_rsa_key) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> small(EVP_RSA_gen(1024), EVP_PKEY_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> ec(EVP_EC_gen("P-256"), EVP_PKEY_free);
  BOOST_REQUIRE(small && ec);
  std::string truncated = rsa_pem().substr(0, rsa_pem().size() / 2) + "\n-----END PRIVATE KEY-----\n";
  std::string garbled = rsa_pem();
  garbled[100] = garbled[100] == 'A' ? 'B' : 'A';
  garbled[101] = '!';
  for (const std::string& bad : {std::string("not a pem"), truncated, garbled, pem_of(small.get()), pem_of(ec.get()),
                                 std::string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}) {
    auto o = service_account_json();
    o["private_key"] = bad;
    auto f = error_of(parse(o));
    BOOST_TEST(mentions(f, "\"private_key\" is not a usable PEM RSA private key"), f.message);
    if (bad.size() > 60) BOOST_TEST(f.message.find(bad.substr(30, 30)) == std::string::npos);
  }
}

BOOST_AUTO_TEST_CASE(type_missing_wrong_or_unsupported) {
  auto o = service_account_json();
  o.erase("type");
  BOOST_TEST(mentions(error_of(parse(o)), "no \"type\" field"));
  o["type"] = 1;
  BOOST_TEST(mentions(error_of(parse(o)), "\"type\" must be a string"));
  for (auto t : {"external_account", "impersonated_service_account", "external_account_authorized_user",
                 "gdch_service_account", "Service_Account"}) {
    o["type"] = t;
    auto f = error_of(parse(o));
    BOOST_TEST((f.kind == error::unsupported));
    BOOST_TEST(mentions(f, std::string("\"") + t + "\" are not supported"), f.message);
  }
  o["type"] = std::string("\x1b[31mred\x01") + std::string(500, 'x');
  auto f = error_of(parse(o));
  BOOST_TEST(f.message.find('\x1b') == std::string::npos);  // no terminal escapes from the file
  BOOST_TEST(f.message.size() < 300u);
}

BOOST_AUTO_TEST_CASE(hostile_json) {
  const std::string good = json::serialize(service_account_json());
  // Every truncation of a valid file fails cleanly, with no secret in the message.
  for (std::size_t n = 0; n < good.size(); n += 7) {
    auto f = error_of(parse_google_key_file(good.substr(0, n), "key.json"));
    BOOST_TEST((f.kind == error::invalid_argument));
  }
  std::vector<std::string> cases = {
      "",
      "null",
      "[]",
      R"(["service_account"])",
      R"("service_account")",
      "42",
      "{'type': 'service_account'}",                      // not JSON
      R"({"type":"authorized_user",})",                    // trailing comma
      R"({"type":"authorized_user"} {"type":"x"})",        // two documents
      "{\"type\":\"authorized_user\" /* comment */}",      // comments are not JSON
      std::string(100000, '[') + std::string(100000, ']'),  // nested garbage far past any sane depth
      std::string(100, '{'),
  };
  std::string deep_object = "{\"type\":\"authorized_user\",\"x\":";
  for (int i = 0; i < 5000; ++i) deep_object += "{\"a\":";
  cases.push_back(deep_object);
  for (auto& text : cases) {
    auto f = error_of(parse_google_key_file(text, "key.json"));
    BOOST_TEST((f.kind == error::invalid_argument), text.substr(0, 40));
    BOOST_TEST(mentions(f, "key.json"));
  }
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused) {
  const std::string user = json::serialize(authorized_user_json());
  auto with = [&](const std::string& extra) { return "{" + extra + "," + user.substr(1); };
  for (auto [extra, key] : {std::pair<std::string, std::string>{R"("type":"service_account")", "type"},
                            {R"("refresh_token":"other")", "refresh_token"},
                            {R"("client_id":"attacker.apps.googleusercontent.com")", "client_id"}}) {
    auto f = error_of(parse_google_key_file(with(extra), "key.json"));
    BOOST_TEST(mentions(f, "duplicate key \"" + key + "\""), f.message);
  }
  // Nested objects count too; the same key in different objects does not.
  auto nested = error_of(parse_google_key_file(with(R"("extra":{"a":1,"a":2})"), "key.json"));
  BOOST_TEST(mentions(nested, "duplicate key \"a\""));
  BOOST_TEST(parse_google_key_file(with(R"("x":{"a":1},"y":{"a":2})"), "key.json").has_value());
}

BOOST_AUTO_TEST_CASE(nul_bytes_and_control_characters) {
  // A raw NUL is not JSON; an escaped one makes the field invalid.
  std::string raw = json::serialize(authorized_user_json());
  raw.insert(raw.find("ferry-client"), 1, '\0');
  BOOST_TEST((error_of(parse_google_key_file(raw, "key.json")).kind == error::invalid_argument));
  auto o = authorized_user_json();
  o["client_id"] = std::string("ferry\0client", 12);
  BOOST_TEST(mentions(error_of(parse(o)), "\"client_id\" contains control characters"));
  o = authorized_user_json();
  o["refresh_token"] = refresh_token + std::string(1, '\0');
  BOOST_TEST(mentions(error_of(parse(o)), "\"refresh_token\" contains control characters"));
  auto sa = service_account_json();
  sa["client_email"] = "ferry@x.com\r\nX-Injected: 1";
  BOOST_TEST(mentions(error_of(parse(sa)), "\"client_email\" contains control characters"));
  sa = service_account_json();
  sa["private_key"] = rsa_pem() + std::string(1, '\0');
  BOOST_TEST(mentions(error_of(parse(sa)), "\"private_key\" contains control characters"));
}

BOOST_AUTO_TEST_CASE(oversized_text_is_refused_before_parsing) {
  auto o = authorized_user_json();
  o["padding"] = std::string(2 * 1024 * 1024, 'x');
  auto f = error_of(parse(o));
  BOOST_TEST(mentions(f, "larger than 1 MiB"));
}

BOOST_AUTO_TEST_CASE(files) {
  test::temp_dir dir;
  test::write_file(dir / "user.json", json::serialize(authorized_user_json()));
  auto ok = load_google_key_file(dir / "user.json");
  BOOST_REQUIRE(ok);
  BOOST_TEST(std::get<google_authorized_user>(*ok).refresh_token == refresh_token);

  auto missing = error_of(load_google_key_file(dir / "nope.json"));
  BOOST_TEST((missing.kind == error::not_found));
  BOOST_TEST(mentions(missing, dir / "nope.json"));

  // A path through a regular file cannot exist, even for root.
  auto through_file = error_of(load_google_key_file(dir / "user.json/key.json"));
  BOOST_TEST((through_file.kind == error::not_found));
  BOOST_TEST(mentions(through_file, dir / "user.json/key.json"));

  auto directory = error_of(load_google_key_file(dir.path()));
  BOOST_TEST((directory.kind == error::io_error));
  BOOST_TEST(mentions(directory, "is a directory"));

  BOOST_REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
  auto fifo = error_of(load_google_key_file(dir / "fifo"));  // must not block waiting for a writer
  BOOST_TEST(mentions(fifo, "not a regular file"));

  auto big = authorized_user_json();
  big["padding"] = std::string(2 * 1024 * 1024, 'x');
  test::write_file(dir / "big.json", json::serialize(big));
  auto large = error_of(load_google_key_file(dir / "big.json"));
  BOOST_TEST(mentions(large, "larger than 1 MiB"));
  BOOST_TEST(mentions(large, dir / "big.json"));

  test::write_file(dir / "broken.json", "{\"type\":\"authorized_user\",\"client_secret\":\"" + client_secret);
  auto broken = error_of(load_google_key_file(dir / "broken.json"));
  BOOST_TEST(mentions(broken, dir / "broken.json"));
  BOOST_TEST(mentions(broken, "not valid JSON"));

  test::write_file(dir / "locked.json", json::serialize(authorized_user_json()));
  ::chmod((dir / "locked.json").c_str(), 0);
  if (::geteuid() == 0) {
    // Root reads mode 000 files; nobody cannot (the directory is opened up so only the file's mode decides).
    ::chmod(dir.path().c_str(), 0755);
    std::string why;
    auto ok = test::run_unprivileged(
        [&] {
          auto r = load_google_key_file(dir / "locked.json");
          return !r && r.error().kind == error::access_denied && mentions(r.error(), dir / "locked.json") &&
                 mentions(r.error(), "permission denied") && !mentions(r.error(), client_secret);
        },
        why);
    if (!ok) BOOST_TEST_MESSAGE("google_key_file/files: permission-denied case skipped: " << why);
    else BOOST_TEST(*ok, "an unreadable key file must be access_denied naming the path");
  } else {
    auto denied = error_of(load_google_key_file(dir / "locked.json"));
    BOOST_TEST((denied.kind == error::access_denied));
    BOOST_TEST(mentions(denied, dir / "locked.json"));
    BOOST_TEST(mentions(denied, "permission denied"));
  }
}

BOOST_AUTO_TEST_SUITE_END()
