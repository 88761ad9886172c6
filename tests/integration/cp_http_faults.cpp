// `ferry cp` against ferry_testd with every scripted fault, over HTTP and HTTPS. The contract: the download either
// completes with identical bytes (compared byte for byte and by XXH3) or fails with one clear line, a non-zero
// exit code, and no destination or part file left behind.
#include "tests/integration/run_command.hpp"
#include "tests/integration/testd_process.hpp"

#include "signing/digest.hpp"
#include "signing/encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>
#include <xxhash.h>

#include <algorithm>
#include <filesystem>

using namespace ferry::test;

namespace {

constexpr std::size_t object_size = 5 * 1024 * 1024 + 12345;  // 6 parts of 1 MiB, the last one short

std::string xxh3_hex(const std::string& data) {
  XXH128_canonical_t c;
  XXH128_canonicalFromHash(&c, XXH3_128bits(data.data(), data.size()));
  return ferry::signing::hex_lower(std::span<const unsigned char>(c.digest, sizeof c.digest));
}

struct cp_env {
  testd_process server{{"--memory", "--tls"}};
  temp_dir dir;
  std::string content = random_bytes(object_size, 42);

  cp_env() {
    auto put = server.request("PUT", "/models/w.bin", {}, content);
    BOOST_REQUIRE_EQUAL(put.status / 100, 2);
  }
  std::string base(bool tls) const { return tls ? server.https_base() : server.http_base(); }

  command_result cp(bool tls, const std::string& dst, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{FERRY_CLI_PATH, "cp", base(tls) + "/models/w.bin", dst, "--json",
                                  "--part-size", "1MiB", "--concurrency", "4", "--no-progress"};
    if (tls) {
      argv.push_back("--ca-bundle");
      argv.push_back(server.cert_path());
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    return run_command(argv);
  }

  // Success: identical bytes, matching XXH3 in the report, no part file.
  void expect_identical(const command_result& r, const std::string& dst) {
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST((read_file(dst) == content));
    auto report = boost::json::parse(r.out).as_object();
    BOOST_TEST(report.at("xxh3").as_string() == xxh3_hex(content));
    BOOST_TEST(report.at("bytes").to_number<std::uint64_t>() == content.size());
    BOOST_TEST(!file_exists(dst + ".ferry-part"));
  }

  // Failure: non-zero exit, one line naming the kind, nothing left in the destination directory.
  void expect_clean_failure(const command_result& r, int code, const std::string& kind) {
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == code);
    BOOST_TEST(r.err.find("ferry: " + kind) != std::string::npos);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    BOOST_TEST(dir.entries().empty());
  }

  int faults_fired() {
    auto stats = boost::json::parse(server.stats()).as_object();
    auto it = stats.find("faults_fired");
    if (it == stats.end()) return -1;
    if (it->value().is_number()) return static_cast<int>(it->value().to_number<std::int64_t>());
    int total = 0;
    if (it->value().is_object())
      for (auto& [k, v] : it->value().as_object())
        if (v.is_number()) total += static_cast<int>(v.to_number<std::int64_t>());
    return total;
  }
};

const bool transports[] = {false, true};

}  // namespace

BOOST_AUTO_TEST_SUITE(cp_http_faults)

BOOST_AUTO_TEST_CASE(clean_download) {
  cp_env env;
  for (bool tls : transports) {
    auto dst = env.dir / (tls ? "tls.bin" : "plain.bin");
    env.expect_identical(env.cp(tls, dst), dst);
  }
}

BOOST_AUTO_TEST_CASE(reset_mid_body_is_resumed) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","method":"GET","nth":2,"fault":"reset_after=100000"})");
    auto dst = env.dir / "reset.bin";
    auto r = env.cp(tls, dst);
    env.expect_identical(r, dst);
    BOOST_TEST(boost::json::parse(r.out).at("retries").to_number<int>() >= 1);
    std::filesystem::remove(dst);
  }
}

BOOST_AUTO_TEST_CASE(server_errors_with_retry_after_are_retried) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(
        R"({"path":"/models/w.bin","method":"GET","times":2,"fault":"status=503,retry_after=1,body=SlowDown"})");
    auto dst = env.dir / "busy.bin";
    auto r = env.cp(tls, dst);
    env.expect_identical(r, dst);
    BOOST_TEST(boost::json::parse(r.out).at("retries").to_number<int>() >= 2);
    std::filesystem::remove(dst);
  }
}

BOOST_AUTO_TEST_CASE(persistent_server_error_fails_cleanly) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","times":0,"fault":"status=500"})");
    auto r = env.cp(tls, env.dir / "never.bin");
    env.expect_clean_failure(r, 8, "server_error");
    BOOST_TEST(r.err.find("attempts") != std::string::npos);  // the attempt count is in the error
  }
}

BOOST_AUTO_TEST_CASE(stalled_response_times_out_and_resumes) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","method":"GET","nth":3,"fault":"stall=4000,stall_after=1000"})");
    auto dst = env.dir / "stall.bin";
    auto r = env.cp(tls, dst, {"--stall-timeout", "1"});
    env.expect_identical(r, dst);
    BOOST_TEST(boost::json::parse(r.out).at("retries").to_number<int>() >= 1);
    std::filesystem::remove(dst);
  }
}

BOOST_AUTO_TEST_CASE(truncated_body_is_resumed) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","method":"GET","nth":1,"fault":"truncate=70000"})");
    auto dst = env.dir / "trunc.bin";
    env.expect_identical(env.cp(tls, dst), dst);
    std::filesystem::remove(dst);
  }
}

BOOST_AUTO_TEST_CASE(flipped_byte_is_caught_by_the_declared_digest) {
  cp_env env;
  std::string digest = ferry::signing::base64(std::string(ferry::signing::as_view(ferry::signing::sha256(env.content))));
  for (bool tls : transports) {
    // Every response declares the whole object's SHA-256 (RFC 9530); whichever response covers byte 1048600 flips it.
    env.server.set_faults(R"({"rules":[{"path":"/models/w.bin","times":0,"fault":{"header":"Repr-Digest:sha-256=:)" +
                          digest + R"(:"}},{"path":"/models/w.bin","method":"GET","times":0,"fault":"flip_byte=1048600"}]})");
    auto r = env.cp(tls, env.dir / "flip.bin");
    env.expect_clean_failure(r, 5, "checksum_mismatch");
    BOOST_TEST(env.faults_fired() != 0);
    // Without the fault the same digest header verifies the download.
    env.server.set_faults(R"({"path":"/models/w.bin","times":0,"fault":{"header":"Repr-Digest:sha-256=:)" + digest +
                          R"(:"}})");
    auto dst = env.dir / "ok.bin";
    auto ok = env.cp(tls, dst);
    env.expect_identical(ok, dst);
    BOOST_TEST(boost::json::parse(ok.out).at("verified_against").as_string() == "Repr-Digest sha-256");
    std::filesystem::remove(dst);
  }
}

BOOST_AUTO_TEST_CASE(object_replaced_between_requests_is_refused) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","method":"GET","replace_after":1})");
    auto r = env.cp(tls, env.dir / "mixed.bin");
    env.expect_clean_failure(r, 6, "precondition_failed");
    BOOST_TEST(r.err.find("changed") != std::string::npos);
    // Put the original back for the next transport.
    BOOST_REQUIRE_EQUAL(env.server.request("PUT", "/models/w.bin", {}, env.content).status / 100, 2);
  }
}

BOOST_AUTO_TEST_CASE(slow_trickle_completes) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","method":"GET","nth":2,"fault":"trickle=4000000"})");
    auto dst = env.dir / "slow.bin";
    env.expect_identical(env.cp(tls, dst), dst);
    std::filesystem::remove(dst);
  }
}

BOOST_AUTO_TEST_CASE(garbage_once_is_retried_garbage_always_fails) {
  cp_env env;
  for (bool tls : transports) {
    env.server.set_faults(R"({"path":"/models/w.bin","method":"GET","nth":2,"fault":"garbage=200"})");
    auto dst = env.dir / "garbage.bin";
    env.expect_identical(env.cp(tls, dst), dst);
    std::filesystem::remove(dst);
    env.server.set_faults(R"({"path":"/models/w.bin","times":0,"fault":"garbage=200"})");
    auto r = env.cp(tls, env.dir / "never.bin");
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.starts_with("ferry: "));
    BOOST_TEST(env.dir.entries().empty());
  }
}

BOOST_AUTO_TEST_CASE(tls_trust) {
  cp_env env;
  // The system store (or AWS_CA_BUNDLE/SSL_CERT_FILE from the environment) does not know testd's fresh CA.
  auto untrusted = run_command({FERRY_CLI_PATH, "cp", env.base(true) + "/models/w.bin", env.dir / "x.bin", "--no-progress"});
  env.expect_clean_failure(untrusted, 7, "tls_error");
  // AWS_CA_BUNDLE is honoured when no --ca-bundle is given.
  auto via_env = run_command({FERRY_CLI_PATH, "cp", env.base(true) + "/models/w.bin", env.dir / "y.bin", "--json"},
                             {"AWS_CA_BUNDLE=" + env.server.cert_path()});
  BOOST_TEST_INFO(via_env.err);
  BOOST_TEST(via_env.exit_code == 0);
  BOOST_TEST((read_file(env.dir / "y.bin") == env.content));
  // A name the certificate does not carry is refused even with the CA trusted.
  auto wrong_name = run_command({FERRY_CLI_PATH, "cp",
                                 "https://127.0.0.2:" + std::to_string(env.server.https_port()) + "/models/w.bin",
                                 env.dir / "z.bin", "--ca-bundle", env.server.cert_path()});
  BOOST_TEST(wrong_name.exit_code == 7);
  BOOST_TEST(!file_exists(env.dir / "z.bin"));
}

BOOST_AUTO_TEST_CASE(upload_then_download_round_trip) {
  cp_env env;
  auto src = env.dir / "src.bin";
  write_file(src, random_bytes(3 * 1024 * 1024 + 7, 9));
  for (bool tls : transports) {
    std::vector<std::string> argv{FERRY_CLI_PATH, "cp", src, env.base(tls) + "/up/copy.bin", "--json"};
    if (tls) argv.insert(argv.end(), {"--ca-bundle", env.server.cert_path()});
    // The first PUT is reset while the body streams; PUT is idempotent, so it is sent again.
    env.server.set_faults(R"({"path":"/up/copy.bin","method":"PUT","nth":1,"fault":"req_reset_after=100000"})");
    auto up = run_command(argv);
    BOOST_TEST_INFO(up.err);
    BOOST_REQUIRE_EQUAL(up.exit_code, 0);
    auto got = env.server.request("GET", "/up/copy.bin");
    BOOST_TEST(got.status == 200);
    BOOST_TEST((got.body == read_file(src)));
  }
}

BOOST_AUTO_TEST_CASE(bad_input_one_line_nothing_left) {
  cp_env env;
  struct bad_case {
    std::vector<std::string> args;
    int code;
    std::string kind;
  } cases[] = {
      {{"ftp://host/x", env.dir / "a"}, 2, "unsupported"},
      {{env.dir / "missing-source", env.dir / "b"}, 3, "not_found"},
      {{env.server.http_base() + "/models/w.bin", "/proc/version/sub/x"}, 3, "not_found"},
      {{env.server.http_base() + "/no/such/object", env.dir / "c"}, 3, "not_found"},
      {{"http://127.0.0.1:1/x", env.dir / "d"}, 7, "connection_failed"},
      {{"http://", env.dir / "e"}, 2, "invalid_argument"},
      {{env.server.http_base() + "/models/w.bin", env.dir / "f", "--part-size", "12XB"}, 2, "invalid_argument"},
      {{env.server.http_base() + "/models/w.bin", env.dir / "g", "--concurrency", "0"}, 2, "invalid_argument"},
  };
  for (auto& c : cases) {
    std::vector<std::string> argv{FERRY_CLI_PATH, "cp"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    argv.push_back("--no-progress");
    env.expect_clean_failure(run_command(argv), c.code, c.kind);
  }
  // A read-only destination directory (root ignores permission bits, so use a path that cannot be a directory).
  auto file_as_dir = env.dir / "plainfile";
  write_file(file_as_dir, "x");
  auto r = run_command({FERRY_CLI_PATH, "cp", env.server.http_base() + "/models/w.bin", file_as_dir + "/sub/x"});
  BOOST_TEST(r.exit_code != 0);
  BOOST_TEST((read_file(file_as_dir) == "x"));
}

BOOST_AUTO_TEST_SUITE_END()
