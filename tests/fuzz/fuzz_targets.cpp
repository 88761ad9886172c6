// libFuzzer entry point over the same parsers (build with clang: -DFERRY_FUZZ=ON, then
// ./ferry_fuzz -runs=1000000 or ./ferry_fuzz corpus/). The first byte picks the parser.
#include "ferry/service_error.hpp"
#include "ferry/byte_range.hpp"
#include "transfer/file_digest.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
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
    default: {
      ferry::http::response resp;
      resp.status = 200;
      resp.headers.add("Repr-Digest", input);
      resp.headers.add("x-goog-hash", input);
      (void)ferry::transfer::find_declared_digest(resp);
    }
  }
  return 0;
}
