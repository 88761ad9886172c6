// `ferry presign URL`: prints a presigned URL on stdout. s3:// is signed with SigV4, gs:// with GCS V4, az:// with a
// service SAS (presign_s3.cpp, presign_gs.cpp, presign_az.cpp).
#include "cli/cli_support.hpp"
#include "cli/command.hpp"
#include "cli/presign.hpp"

#include "signing/sigv4_presign_url.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ferry::cli {
namespace {

int run_presign(std::span<const std::string> args) {
  CLI::App app{"Print a presigned URL for an object (network only to obtain credentials)", "ferry presign"};
  presign_options o;
  app.add_option("URL", o.url, "s3://BUCKET/KEY, gs://BUCKET/OBJECT or az://ACCOUNT/CONTAINER/BLOB")->required();
  app.add_option("--method", o.method, "HTTP method the URL allows (default GET)");
  app.add_option("--expires", o.expires, "validity in seconds, 1..604800 (default 3600)");
  app.add_option("--date", o.date, "signing time YYYYMMDDTHHMMSSZ (default: now, UTC)");
  app.add_option("--header", o.headers, "K:V header to sign; the client must send it")->allow_extra_args(false);
  app.add_option("--query", o.query, "K=V query parameter to include and sign")->allow_extra_args(false);
  app.add_option("--url-style", o.url_style, "path, virtual or bucket-bound-host")
      ->check(CLI::IsMember({"path", "virtual", "bucket-bound-host"}));
  app.add_option("--bucket-bound-host", o.bucket_bound_host, "host bound to the bucket (CNAME/CDN)");
  app.add_option("--scheme", o.scheme, "http or https")->check(CLI::IsMember({"http", "https"}));
  app.add_option("--endpoint", o.endpoint, "custom endpoint URL (S3-compatible stores, GCS emulators); implies path style for s3://");
  app.add_option("--key-file", o.key_file, "service-account key JSON that signs gs:// URLs");
  if (auto stop = parse_args(app, args)) return *stop;

  if (o.expires < 1 || o.expires > signing::max_presign_expires)
    return report_failure(failure(error::invalid_argument, "--expires must be between 1 and 604800 seconds"));
  auto sep = o.url.find("://");
  std::string scheme = sep == std::string::npos ? "" : o.url.substr(0, sep);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
  result<std::string> url = failure(error::unsupported, "");
  if (scheme == "s3") {
    url = presign_s3(o, std::string_view(o.url).substr(sep + 3));
  } else if (scheme == "az" || (scheme == "https" && o.url.find(".blob.core.windows.net/") != std::string::npos)) {
    url = presign_az(o);
  } else if (scheme == "gs") {
    url = presign_gs(o, std::string_view(o.url).substr(sep + 3));
  } else {
    url = failure(error::invalid_argument, "presign needs an s3://, gs:// or az:// URL, got '" + o.url.substr(0, 200) + "'");
  }
  if (!url) return report_failure(url.error());
  std::printf("%s\n", url->c_str());
  return 0;
}

}  // namespace

FERRY_CLI_COMMAND(presign, "print a presigned URL (s3://, gs://, az://)", run_presign);

}  // namespace ferry::cli
