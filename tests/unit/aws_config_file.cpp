// The ~/.aws/{credentials,config} parser, including hostile input: garbage, binary, huge lines,
// missing '=', unterminated sections, unreadable files. Errors must name file and line, never content.
#include <boost/test/unit_test.hpp>

#include "src/auth/aws_config_file.hpp"
#include "tests/unit/unprivileged.hpp"

#include <filesystem>
#include <fstream>
#include <random>

#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace ferry::auth;

namespace {

struct temp_dir {
  fs::path path;
  temp_dir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("ferry-awscfg-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, std::string_view text) const {
    auto p = path / name;
    std::ofstream(p, std::ios::binary).write(text.data(), std::streamsize(text.size()));
    return p;
  }
};

const char* secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

}  // namespace

BOOST_AUTO_TEST_SUITE(aws_config_file_parser)

BOOST_AUTO_TEST_CASE(credentials_file_sections_and_comments) {
  auto f = parse_aws_config("# leading comment\n"
                            "; another\n"
                            "[default]\n"
                            "aws_access_key_id = AKIDDEFAULT\n"
                            "aws_secret_access_key=secret/with+chars=\n"
                            "\n"
                            "[dev]\r\n"
                            "  AWS_Access_Key_ID   =   AKIDDEV   \r\n"
                            "aws_secret_access_key = s2 # not a comment: botocore keeps it\n"
                            "aws_session_token = tok\n",
                            aws_file_kind::credentials, "creds");
  BOOST_REQUIRE(f.has_value());
  BOOST_REQUIRE_EQUAL(f->profiles.size(), 2u);
  auto* d = f->find("default");
  BOOST_REQUIRE(d);
  BOOST_TEST(*d->aws_access_key_id() == "AKIDDEFAULT");
  BOOST_TEST(*d->aws_secret_access_key() == "secret/with+chars=");
  auto* dev = f->find("dev");
  BOOST_REQUIRE(dev);
  BOOST_TEST(*dev->aws_access_key_id() == "AKIDDEV");
  BOOST_TEST(*dev->aws_secret_access_key() == "s2 # not a comment: botocore keeps it");
  BOOST_TEST(*dev->aws_session_token() == "tok");
  BOOST_TEST(!f->find("profile dev"));
}

BOOST_AUTO_TEST_CASE(config_file_profiles_nested_and_other_sections) {
  auto f = parse_aws_config("\xEF\xBB\xBF[default]\n"
                            "region = eu-west-1\n"
                            "s3 =\n"
                            "  addressing_style = path\n"
                            "  endpoint_url = http://localhost:9000\n"
                            "output = json\n"
                            "[profile  dev ]\n"
                            "role_arn = arn:aws:iam::123:role/x\n"
                            "source_profile = default\n"
                            "web_identity_token_file = /t\n"
                            "credential_process = /bin/cred\n"
                            "  --flag\n"
                            "endpoint_url = https://e\n"
                            "[sso-session corp]\n"
                            "sso_region = us-east-1\n"
                            "[profilex]\n"
                            "a = b\n"
                            "[default]\n"
                            "region = eu-west-2 ; trailing text is part of the value\n",
                            aws_file_kind::config, "cfg");
  BOOST_REQUIRE_MESSAGE(f.has_value(), f.error().message);
  BOOST_REQUIRE_EQUAL(f->profiles.size(), 2u);
  auto* d = f->find("default");
  BOOST_REQUIRE(d);
  BOOST_TEST(*d->region() == "eu-west-2 ; trailing text is part of the value");  // repeated section merges
  BOOST_TEST(*d->s3_addressing_style() == "path");
  BOOST_TEST(*d->s3_endpoint_url() == "http://localhost:9000");
  BOOST_TEST(*d->get("output") == "json");
  auto* dev = f->find("dev");
  BOOST_REQUIRE(dev);
  BOOST_TEST(*dev->role_arn() == "arn:aws:iam::123:role/x");
  BOOST_TEST(*dev->source_profile() == "default");
  BOOST_TEST(*dev->web_identity_token_file() == "/t");
  BOOST_TEST(*dev->credential_process() == "/bin/cred\n--flag");
  BOOST_TEST(*dev->endpoint_url() == "https://e");
  BOOST_TEST(f->other_sections.size() == 2u);  // sso-session corp, profilex
  BOOST_TEST(!f->find("corp"));
}

BOOST_AUTO_TEST_CASE(syntax_errors_name_file_and_line_not_content) {
  struct bad {
    std::string text;
    std::size_t line;
    std::string what;
  };
  std::vector<bad> cases = {
      {"[default]\naws_secret_access_key " + std::string(secret) + "\n", 2, "expected 'key = value'"},
      {"[default\naws_access_key_id = x\n", 1, "unterminated section"},
      {"aws_access_key_id = x\n", 1, "outside of any [section]"},
      {"[default]\n= " + std::string(secret) + "\n", 2, "missing key"},
      {"[]\n", 1, "empty section name"},
      {"[default] " + std::string(secret) + "\n", 1, "after section header"},
      {"[default]\ns3 =\n  " + std::string(secret) + "\n", 3, "expected 'key = value'"},
      {"[default]\nkey name = v\n", 2, "space inside a key"},
      {"[default]\na = b\n" + std::string("x\0y", 3) + "\n", 3, "NUL byte"},
  };
  for (auto& c : cases) {
    auto r = parse_aws_config(c.text, aws_file_kind::credentials, "/home/u/.aws/credentials");
    BOOST_TEST_CONTEXT("input line " << c.line << " expecting " << c.what) {
      BOOST_REQUIRE(!r.has_value());
      BOOST_TEST((r.error().kind == ferry::error::invalid_argument));
      BOOST_TEST(r.error().message.find("/home/u/.aws/credentials:" + std::to_string(c.line) + ":") == 0u);
      BOOST_TEST(r.error().message.find(c.what) != std::string::npos);
      BOOST_TEST(r.error().message.find("wJalr") == std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(huge_inputs_are_refused) {
  std::string long_line = "[default]\nk = " + std::string(max_aws_config_line + 1, 'a') + "\n";
  auto r = parse_aws_config(long_line, aws_file_kind::credentials, "f");
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message == "f:2: line longer than 64 KiB");

  std::string huge(max_aws_config_bytes + 1, '#');
  auto r2 = parse_aws_config(huge, aws_file_kind::config, "f");
  BOOST_REQUIRE(!r2.has_value());
  BOOST_TEST(r2.error().message.find("larger than 4 MiB") != std::string::npos);

  // Many small sections are fine (no quadratic blow-up worth worrying about at this size).
  std::string many;
  for (int i = 0; i < 2000; ++i) many += "[p" + std::to_string(i) + "]\nregion = r\n";
  auto r3 = parse_aws_config(many, aws_file_kind::credentials, "f");
  BOOST_REQUIRE(r3.has_value());
  BOOST_TEST(r3->profiles.size() == 2000u);
}

BOOST_AUTO_TEST_CASE(random_garbage_never_crashes) {
  std::mt19937 rng(12345);
  const std::string alphabet = "[]=#; \t\r\nabcprofile\x01\xff\x80=[";
  int ok = 0, failed = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    std::size_t n = rng() % 200;
    for (std::size_t j = 0; j < n; ++j)
      text += (rng() % 4 == 0) ? char(rng() % 256) : alphabet[rng() % alphabet.size()];
    auto r = parse_aws_config(text, (i % 2) ? aws_file_kind::config : aws_file_kind::credentials, "g");
    if (r) {
      ++ok;
    } else {
      ++failed;
      BOOST_TEST(r.error().message.rfind("g", 0) == 0u);
    }
  }
  BOOST_TEST(ok + failed == 2000);
  BOOST_TEST(failed > 0);
}

BOOST_AUTO_TEST_CASE(load_from_disk) {
  temp_dir dir;
  auto good = dir.write("credentials", "[default]\naws_access_key_id = A\naws_secret_access_key = S\n");
  auto f = load_aws_config_file(good, aws_file_kind::credentials);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(*f->find("default")->aws_access_key_id() == "A");

  auto missing = load_aws_config_file(dir.path / "nope", aws_file_kind::credentials);
  BOOST_REQUIRE(!missing.has_value());
  BOOST_TEST((missing.error().kind == ferry::error::not_found));

  auto directory = load_aws_config_file(dir.path, aws_file_kind::credentials);
  BOOST_REQUIRE(!directory.has_value());
  BOOST_TEST((directory.error().kind == ferry::error::invalid_argument));

  auto binary = dir.write("binary", std::string("\x7f" "ELF\x02\x01\x01\0\0\0", 10));
  auto b = load_aws_config_file(binary, aws_file_kind::config);
  BOOST_REQUIRE(!b.has_value());
  BOOST_TEST(b.error().message.find(binary.string() + ":1:") == 0u);

  auto bad = dir.write("config", "[default]\nregion = x\n[profile dev\n");
  auto m = load_aws_config_file(bad, aws_file_kind::config);
  BOOST_REQUIRE(!m.has_value());
  BOOST_TEST(m.error().message == bad.string() + ":3: unterminated section header (missing ']')");
}

BOOST_AUTO_TEST_CASE(unreadable_file) {
  temp_dir dir;
  auto p = dir.write("credentials", "[default]\naws_access_key_id = A\n");
  ::chmod(p.c_str(), 0);
  if (::geteuid() == 0) {
    // Root reads mode 000 files: check as nobody instead (the directory opened up so only the file's mode decides).
    ::chmod(dir.path.c_str(), 0755);
    std::string why;
    auto ok = ferry::test::run_unprivileged(
        [&] {
          auto r = load_aws_config_file(p, aws_file_kind::credentials);
          return !r && r.error().kind == ferry::error::access_denied && r.error().message.find(p.string()) == 0u;
        },
        why);
    if (!ok) BOOST_TEST_MESSAGE("SKIPPED permission-denied case: " << why);
    else BOOST_TEST(*ok, "an unreadable credentials file must be access_denied naming the path");
    return;
  }
  auto r = load_aws_config_file(p, aws_file_kind::credentials);
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().kind == ferry::error::access_denied));
  BOOST_TEST(r.error().message.find(p.string()) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
