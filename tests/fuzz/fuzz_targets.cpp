// libFuzzer entry point over the same parsers (build with clang: -DFERRY_FUZZ=ON, then
// ./ferry_fuzz -runs=1000000 or ./ferry_fuzz corpus/). The first byte picks the parser: 0-3 the HTTP core
// (http_parsers_cases.cpp), 4-10 credential material (credential_parsers_cases.cpp). To fuzz one parser only,
// set FERRY_FUZZ_TARGET=<n>: the first byte is then ignored. The JSON/XML parsers need a start: seed them with
// tests/fuzz/seeds/<n>/, e.g. FERRY_FUZZ_TARGET=8 ./ferry_fuzz -max_total_time=60 CORPUS tests/fuzz/seeds/8
// (the parsers are compiled into ferry_fuzz with coverage instrumentation; Boost.JSON and pugixml are not).
#include "ferry/service_error.hpp"
#include "ferry/byte_range.hpp"
#include "src/auth/aws_config_file.hpp"
#include "src/auth/aws_credentials_json.hpp"
#include "src/auth/aws_sts.hpp"
#include "src/auth/azure_connection_string.hpp"
#include "src/auth/azure_user_delegation_key.hpp"
#include "src/auth/oauth2_token.hpp"
#include "transfer/file_digest.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

constexpr int target_count = 11;

// -1: the first byte picks the target; else FERRY_FUZZ_TARGET.
int fixed_target() {
  static const int t = [] {
    const char* v = std::getenv("FERRY_FUZZ_TARGET");
    return v ? std::atoi(v) % target_count : -1;
  }();
  return t;
}

// Accepted credentials become header values: a control character in them is a finding.
void require_header_safe(const ferry::result<ferry::auth::aws_expiring_credentials>& r) {
  if (r && (ferry::auth::has_control_character(r->value.access_key_id) ||
            ferry::auth::has_control_character(r->value.secret_access_key) ||
            ferry::auth::has_control_character(r->value.session_token)))
    __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int target = fixed_target();
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (target < 0) {
    if (size == 0) return 0;
    target = data[0] % target_count;
    input.remove_prefix(1);
  }
  switch (target) {
    case 0:
      (void)ferry::http::url::parse(input);
      break;
    case 1:
      (void)ferry::parse_content_range_header(input);
      break;
    case 2: {
      ferry::http::request req;
      req.address = *ferry::http::url::parse("http://h/k");
      ferry::http::response resp;
      resp.status = 500;
      resp.body = std::string(input);
      ferry::failure f = ferry::http::status_failure(req, resp);
      ferry::refine_s3_error(f, input);
      ferry::refine_google_error(f, input);
      ferry::refine_aws_json_error(f, resp);
      ferry::refine_vault_error(f, input);
      break;
    }
    case 3: {
      ferry::http::response resp;
      resp.status = 200;
      resp.headers.add("Repr-Digest", input);
      resp.headers.add("x-goog-hash", input);
      (void)ferry::transfer::find_declared_digest(resp);
      break;
    }
    case 4:
      (void)ferry::auth::parse_aws_config(input, ferry::auth::aws_file_kind::credentials, "fuzz");
      (void)ferry::auth::parse_aws_config(input, ferry::auth::aws_file_kind::config, "fuzz");
      break;
    case 5:
      require_header_safe(ferry::auth::parse_aws_credentials_json(input, "fuzz"));
      break;
    case 6:
      (void)ferry::auth::parse_iso8601_utc(input);
      break;
    case 7:
      require_header_safe(ferry::auth::parse_sts_credentials(input));
      break;
    case 8:
      (void)ferry::auth::parse_token_response(input, ferry::auth::wall_clock::time_point(std::chrono::seconds(1700000000)),
                                              "fuzz");
      break;
    case 9:
      (void)ferry::auth::parse_azure_connection_string(input);
      break;
    default:
      (void)ferry::auth::parse_azure_user_delegation_key(input);
  }
  return 0;
}
