// `ferry presign`: what the per-provider signers share (the parsed options, --header/--query/--date parsing) and
// the signers themselves, one file each: presign_s3.cpp (SigV4), presign_gs.cpp (GCS V4), presign_az.cpp (SAS).
// Nothing here touches the network except the credential chains the signers consult.
#pragma once

#include "ferry/error.hpp"
#include "signing/canonical_request.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::cli {

struct presign_options {
  std::string url;
  std::string method = "GET";
  long expires = 3600;
  std::string date;
  std::vector<std::string> headers;
  std::vector<std::string> query;
  std::string url_style;
  std::string bucket_bound_host;
  std::string scheme;
  std::string endpoint;
  std::string key_file;
};

// "NAME<sep>VALUE" items (--header K:V, --query K=V) split at the first separator. Header names must be RFC 9110
// tokens unless check_names is false (gs:// leaves that to its signer, which accepts the '/' Google's own
// conformance tests sign); blanks around a header name and before its value are dropped.
result<signing::string_pairs> split_pairs(const std::vector<std::string>& items, char sep, std::string_view option,
                                          bool check_names = true);

// --date (YYYYMMDDTHHMMSSZ), or now.
result<std::chrono::sys_seconds> signing_time(const std::string& date);

std::string upper_method(std::string method);

// rest: the URL after "s3://" / "gs://".
result<std::string> presign_s3(const presign_options& o, std::string_view rest);
result<std::string> presign_gs(const presign_options& o, std::string_view rest);
result<std::string> presign_az(const presign_options& o);

}  // namespace ferry::cli
