// Offline AWS credential and region resolution with a fake environment and temporary shared files.
#include <boost/test/unit_test.hpp>

#include "src/auth/aws_static_credentials.hpp"

#include <filesystem>
#include <fstream>
#include <map>

#include <unistd.h>

namespace fs = std::filesystem;
using namespace ferry::auth;

namespace {

struct fake_env {
  std::map<std::string, std::string, std::less<>> vars;
  env_lookup lookup() const {
    return [this](std::string_view n) -> std::optional<std::string> {
      auto it = vars.find(n);
      if (it == vars.end() || it->second.empty()) return std::nullopt;
      return it->second;
    };
  }
};

struct home_dir {
  fs::path path;
  home_dir() {
    static int n = 0;
    path = fs::temp_directory_path() / ("ferry-awshome-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    fs::create_directories(path / ".aws");
  }
  ~home_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, std::string_view text) const {
    std::ofstream(path / ".aws" / name, std::ios::binary) << text;
  }
};

const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

}  // namespace

BOOST_AUTO_TEST_SUITE(aws_config_credentials)

BOOST_AUTO_TEST_CASE(environment_wins) {
  home_dir home;
  home.write("credentials", "[default]\naws_access_key_id = FILE\naws_secret_access_key = FILESECRET\n");
  fake_env env{{{"HOME", home.path.string()},
                {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                {"AWS_SECRET_ACCESS_KEY", secret},
                {"AWS_SESSION_TOKEN", "TOKEN"}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->credentials.access_key_id == "AKIDENV");
  BOOST_TEST(r->credentials.secret_access_key == secret);
  BOOST_TEST(r->credentials.session_token == "TOKEN");
  BOOST_TEST(r->source == "environment");
}

BOOST_AUTO_TEST_CASE(partial_environment_is_an_error_without_the_secret) {
  fake_env env{{{"AWS_SECRET_ACCESS_KEY", secret}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message == "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
}

BOOST_AUTO_TEST_CASE(default_and_named_profiles) {
  home_dir home;
  home.write("credentials", "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = S1\n"
                            "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = S2\naws_session_token = T2\n");
  home.write("config", "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = S3\nregion = ap-south-1\n");
  fake_env env{{{"HOME", home.path.string()}}};
  auto d = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(d.has_value());
  BOOST_TEST(d->credentials.access_key_id == "AKIDDEF");
  BOOST_TEST(d->source == "profile 'default' in " + (home.path / ".aws" / "credentials").string());

  env.vars["AWS_PROFILE"] = "dev";
  auto dev = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(dev.has_value());
  BOOST_TEST(dev->credentials.session_token == "T2");

  env.vars["AWS_PROFILE"] = "cfgonly";
  auto cfg = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(cfg.has_value());
  BOOST_TEST(cfg->credentials.access_key_id == "AKIDCFG");
  auto region = resolve_aws_region(env.lookup());
  BOOST_REQUIRE(region.has_value());
  BOOST_TEST(region->region == "ap-south-1");
}

BOOST_AUTO_TEST_CASE(file_overrides_by_environment) {
  home_dir home;
  home.write("elsewhere-creds", "[x]\naws_access_key_id = AKIDX\naws_secret_access_key = SX\n");
  home.write("elsewhere-config", "[profile x]\nregion = eu-north-1\n");
  fake_env env{{{"AWS_SHARED_CREDENTIALS_FILE", (home.path / ".aws" / "elsewhere-creds").string()},
                {"AWS_CONFIG_FILE", (home.path / ".aws" / "elsewhere-config").string()},
                {"AWS_PROFILE", "x"}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(r.has_value());
  BOOST_TEST(r->credentials.access_key_id == "AKIDX");
  BOOST_TEST(resolve_aws_region(env.lookup())->region == "eu-north-1");
}

BOOST_AUTO_TEST_CASE(missing_profile_lists_what_was_tried) {
  home_dir home;
  home.write("credentials", "[default]\naws_access_key_id = A\naws_secret_access_key = " + secret + "\n");
  fake_env env{{{"HOME", home.path.string()}, {"AWS_PROFILE", "nope"}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().kind == ferry::error::not_found));
  std::string m = r.error().message;
  BOOST_TEST(m.find("AWS_PROFILE 'nope' not found") == 0u);
  BOOST_TEST(m.find("environment") != std::string::npos);
  BOOST_TEST(m.find((home.path / ".aws" / "credentials").string() + " (no profile 'nope')") != std::string::npos);
  BOOST_TEST(m.find((home.path / ".aws" / "config").string() + " (missing)") != std::string::npos);
  BOOST_TEST(m.find("wJalr") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(nothing_anywhere) {
  fake_env env;
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message.find("no AWS credentials found") == 0u);
  BOOST_TEST(r.error().message.find("HOME not set") != std::string::npos);
  auto region = resolve_aws_region(env.lookup());
  BOOST_REQUIRE(region.has_value());
  BOOST_TEST(region->region == "us-east-1");
  BOOST_TEST(region->source == "default");
}

BOOST_AUTO_TEST_CASE(profiles_needing_the_network_are_named) {
  home_dir home;
  home.write("config", "[profile role]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n");
  fake_env env{{{"HOME", home.path.string()}, {"AWS_PROFILE", "role"}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST((r.error().kind == ferry::error::unsupported));
  BOOST_TEST(r.error().message.find("role_arn") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(half_a_key_pair_in_a_profile) {
  home_dir home;
  home.write("credentials", "[default]\naws_secret_access_key = " + secret + "\n");
  fake_env env{{{"HOME", home.path.string()}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message.find("only one of") != std::string::npos);
  BOOST_TEST(r.error().message.find("wJalr") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_file_names_file_and_line) {
  home_dir home;
  home.write("credentials", "[default]\naws_access_key_id = A\naws_secret_access_key " + secret + "\n");
  fake_env env{{{"HOME", home.path.string()}}};
  auto r = resolve_static_aws_credentials(env.lookup());
  BOOST_REQUIRE(!r.has_value());
  BOOST_TEST(r.error().message == (home.path / ".aws" / "credentials").string() + ":3: expected 'key = value'");
}

BOOST_AUTO_TEST_CASE(region_order) {
  home_dir home;
  home.write("config", "[default]\nregion = eu-central-1\n");
  fake_env env{{{"HOME", home.path.string()}}};
  BOOST_TEST(resolve_aws_region(env.lookup())->region == "eu-central-1");
  env.vars["AWS_DEFAULT_REGION"] = "us-west-1";
  BOOST_TEST(resolve_aws_region(env.lookup())->region == "us-west-1");
  env.vars["AWS_REGION"] = "us-west-2";
  auto r = resolve_aws_region(env.lookup());
  BOOST_TEST(r->region == "us-west-2");
  BOOST_TEST(r->source == "AWS_REGION");
}

BOOST_AUTO_TEST_CASE(s3_settings) {
  home_dir home;
  home.write("config", "[default]\nendpoint_url = http://generic\ns3 =\n  addressing_style = path\n");
  fake_env env{{{"HOME", home.path.string()}}};
  auto s = resolve_aws_s3_settings(env.lookup());
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->endpoint_url == "http://generic");
  BOOST_TEST(s->addressing_style == "path");
  env.vars["AWS_ENDPOINT_URL_S3"] = "http://minio:9000";
  BOOST_TEST(resolve_aws_s3_settings(env.lookup())->endpoint_url == "http://minio:9000");
  home.write("config", "[default]\ns3 =\n  addressing_style = sideways\n");
  BOOST_TEST(!resolve_aws_s3_settings(env.lookup()).has_value());
}

BOOST_AUTO_TEST_CASE(us_east_1_endpoint_setting) {
  home_dir home;
  home.write("config", "[default]\nregion = us-east-1\n");
  fake_env env{{{"HOME", home.path.string()}}};
  BOOST_TEST(resolve_aws_s3_settings(env.lookup())->us_east_1_regional_endpoint == false);  // legacy by default
  home.write("config", "[default]\ns3_us_east_1_regional_endpoint = regional\n");
  BOOST_TEST(resolve_aws_s3_settings(env.lookup())->us_east_1_regional_endpoint == true);
  env.vars["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"] = "legacy";  // the environment wins over the profile
  BOOST_TEST(resolve_aws_s3_settings(env.lookup())->us_east_1_regional_endpoint == false);
  env.vars["AWS_S3_US_EAST_1_REGIONAL_ENDPOINT"] = "global";
  auto bad = resolve_aws_s3_settings(env.lookup());
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().message.find("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT must be legacy or regional") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
