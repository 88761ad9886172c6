// s3://BUCKET/KEY: a SigV4 query-signed URL. Credentials from the full AWS chain; region, endpoint, addressing style
// and the us-east-1 host from the environment and the profile, each overridable on the command line.
#include "cli/presign.hpp"

#include "signing/sigv4_presign_url.hpp"
#include "src/auth/aws_credential_chain.hpp"
#include "src/auth/aws_static_credentials.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

namespace ferry::cli {
namespace {

// The full AWS chain (environment, web identity, profile incl. roles and credential_process, container, IMDS).
result<signing::aws_credentials> resolve_aws_credentials() {
  boost::asio::io_context io;
  auth::aws_credential_chain chain(io.get_executor());
  auto future = boost::asio::co_spawn(io, chain.get(), boost::asio::use_future);
  io.run();
  return future.get();
}

}  // namespace

result<std::string> presign_s3(const presign_options& o, std::string_view rest) {
  if (!o.key_file.empty())
    return failure(error::invalid_argument, "--key-file is for gs:// URLs; s3:// uses AWS credentials");
  auto slash = rest.find('/');
  signing::s3_presign_input in;
  in.bucket = std::string(rest.substr(0, slash));
  in.key = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (in.bucket.empty()) return failure(error::invalid_argument, "s3 URL must be s3://BUCKET/KEY");

  auto env = auth::process_environment();
  auto creds = resolve_aws_credentials();
  if (!creds) return creds.error();
  auto region = auth::resolve_aws_region(env);
  if (!region) return region.error();
  auto settings = auth::resolve_aws_s3_settings(env);
  if (!settings) return settings.error();

  auto time = signing_time(o.date);
  if (!time) return time.error();
  auto headers = split_pairs(o.headers, ':', "--header");
  if (!headers) return headers.error();
  auto query = split_pairs(o.query, '=', "--query");
  if (!query) return query.error();

  in.region = region->region;
  in.method = upper_method(o.method);
  in.time = *time;
  in.expires = std::chrono::seconds(o.expires);
  in.endpoint = o.endpoint.empty() ? settings->endpoint_url : o.endpoint;
  in.us_east_1_regional_endpoint = settings->us_east_1_regional_endpoint;
  in.scheme = o.scheme;
  in.bucket_bound_host = o.bucket_bound_host;
  in.headers = std::move(*headers);
  in.query = std::move(*query);
  std::string style = o.url_style.empty() ? settings->addressing_style : o.url_style;
  if (style == "path") in.style = signing::s3_url_style::path;
  else if (style == "virtual") in.style = signing::s3_url_style::virtual_hosted;
  else if (style == "bucket-bound-host") in.style = signing::s3_url_style::bucket_bound_host;
  else in.style = signing::s3_url_style::automatic;
  if (!o.bucket_bound_host.empty() && o.url_style.empty()) in.style = signing::s3_url_style::bucket_bound_host;

  auto signed_url = signing::s3_presign_url(in, *creds);
  if (!signed_url) return signed_url.error();
  return signed_url->url;
}

}  // namespace ferry::cli
