// `ferry presign URL`: prints a presigned URL on stdout. s3:// is signed with SigV4 (credentials and
// region from the environment and ~/.aws; credentials from the full AWS chain), gs:// with GCS V4 (a service-account
// key or an HMAC key), az:// with a service SAS.
#include "cli/cli_support.hpp"
#include "cli/command.hpp"

#include "signing/gcs_signed_url.hpp"
#include "signing/sigv4_presign_url.hpp"
#include "src/auth/aws_credential_chain.hpp"
#include "src/auth/aws_static_credentials.hpp"
#include "src/auth/azure_storage_credentials.hpp"
#include "src/auth/google_key_file.hpp"
#include "ferry/object_url.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace ferry::cli {
namespace {

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

// check_names: header names must be RFC 9110 tokens. gs:// leaves that to its signer, which also accepts the '/'
// Google's own conformance tests sign.
result<signing::string_pairs> split_pairs(const std::vector<std::string>& items, char sep, std::string_view option,
                                          bool check_names = true) {
  signing::string_pairs out;
  for (auto& item : items) {
    auto pos = item.find(sep);
    if (pos == std::string::npos || pos == 0)
      return failure(error::invalid_argument, std::string(option) + " expects NAME" + sep + "VALUE, got '" +
                                                  item.substr(0, 100) + "'");
    std::string name = item.substr(0, pos), value = item.substr(pos + 1);
    if (sep == ':') {  // headers: surrounding blanks are not part of the name or the value
      auto b = value.find_first_not_of(" \t");
      value = b == std::string::npos ? "" : value.substr(b);
      name.erase(name.find_last_not_of(" \t") + 1);
      bool token = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(char(c)) != std::string_view::npos;
      });
      if (!token && check_names) return failure(error::invalid_argument, "--header name '" + name.substr(0, 100) + "' is not a valid HTTP field name");
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

result<std::chrono::sys_seconds> signing_time(const std::string& date) {
  if (date.empty()) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  auto t = signing::parse_amz_date(date);
  if (!t) return failure(error::invalid_argument, "--date must be YYYYMMDDTHHMMSSZ (e.g. 20130524T000000Z), got '" +
                                                      date.substr(0, 40) + "'");
  return *t;
}

// The full AWS chain (environment, web identity, profile incl. roles and credential_process, container, IMDS).
result<signing::aws_credentials> resolve_aws_credentials() {
  boost::asio::io_context io;
  auth::aws_credential_chain chain(io.get_executor());
  auto future = boost::asio::co_spawn(io, chain.get(), boost::asio::use_future);
  io.run();
  return future.get();
}

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
  in.method = o.method;
  std::transform(in.method.begin(), in.method.end(), in.method.begin(),
                 [](char c) { return char(std::toupper(static_cast<unsigned char>(c))); });
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

// What signs a gs:// URL: a service account's RSA key (GOOG4-RSA-SHA256) or an HMAC key (GOOG4-HMAC-SHA256).
struct gcs_signer {
  signing::gcs_credentials credentials;
  std::string universe_domain = std::string(auth::google_default_universe_domain);
};

constexpr std::string_view gcs_signers_wanted =
    "a service-account key (--key-file SA.json, or GOOGLE_APPLICATION_CREDENTIALS naming one) or an HMAC key "
    "(GOOGLE_HMAC_ACCESS_ID and GOOGLE_HMAC_SECRET)";

// --key-file, else GOOGLE_APPLICATION_CREDENTIALS when it is a service-account key, else the HMAC variables. Tokens
// (gcloud user credentials, the metadata server) cannot sign a URL, so the rest of the ADC chain does not apply.
result<gcs_signer> resolve_gcs_signer(const presign_options& o, const auth::env_lookup& env) {
  auto prefixed = [](failure f, std::string_view where) {
    f.message = std::string(where) + ": " + f.message;
    return f;
  };
  auto from_service_account = [](const auth::google_service_account& sa) {
    return gcs_signer{signing::gcs_rsa_credentials{sa.client_email, sa.private_key_pem}, sa.universe_domain};
  };
  if (!o.key_file.empty()) {
    auto file = auth::load_google_key_file(o.key_file);
    if (!file) return prefixed(file.error(), "--key-file");
    if (auto* sa = std::get_if<auth::google_service_account>(&*file)) return from_service_account(*sa);
    return failure(error::unsupported, "--key-file '" + o.key_file + "' holds " +
                                           std::string(auth::google_key_file_type(*file)) +
                                           " (gcloud user) credentials, which cannot sign URLs; gs:// presign needs " +
                                           std::string(gcs_signers_wanted));
  }
  std::string note;
  if (auto path = env("GOOGLE_APPLICATION_CREDENTIALS")) {
    auto file = auth::load_google_key_file(*path);
    if (!file) return prefixed(file.error(), "GOOGLE_APPLICATION_CREDENTIALS");
    if (auto* sa = std::get_if<auth::google_service_account>(&*file)) return from_service_account(*sa);
    note = "GOOGLE_APPLICATION_CREDENTIALS names " + std::string(auth::google_key_file_type(*file)) +
           " credentials, which cannot sign URLs";
  }
  auto id = env("GOOGLE_HMAC_ACCESS_ID"), secret = env("GOOGLE_HMAC_SECRET");
  if (id && secret) return gcs_signer{signing::gcs_hmac_credentials{*id, *secret}};
  if (id || secret)
    return failure(error::invalid_argument, id ? "GOOGLE_HMAC_ACCESS_ID is set but GOOGLE_HMAC_SECRET is not"
                                               : "GOOGLE_HMAC_SECRET is set but GOOGLE_HMAC_ACCESS_ID is not");
  if (note.empty()) note = "tokens from gcloud user credentials or the metadata server cannot sign URLs";
  return failure(error::not_found, "gs:// presign needs " + std::string(gcs_signers_wanted) + "; " + note);
}

// gs://BUCKET[/OBJECT]: the object name is taken literally (no percent-decoding); the signer encodes it.
result<std::string> presign_gs(const presign_options& o, std::string_view rest) {
  auto slash = rest.find('/');
  signing::gcs_signed_url_request req;
  req.bucket = std::string(rest.substr(0, slash));
  req.object = slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1));
  if (req.bucket.empty()) return failure(error::invalid_argument, "gs URL must be gs://BUCKET/OBJECT");

  auto env = auth::process_environment();
  auto time = signing_time(o.date);
  if (!time) return time.error();
  auto headers = split_pairs(o.headers, ':', "--header", false);
  if (!headers) return headers.error();
  auto query = split_pairs(o.query, '=', "--query");
  if (!query) return query.error();
  auto signer = resolve_gcs_signer(o, env);
  if (!signer) return signer.error();

  req.credentials = std::move(signer->credentials);
  req.universe_domain = std::move(signer->universe_domain);
  req.method = o.method;
  std::transform(req.method.begin(), req.method.end(), req.method.begin(),
                 [](char c) { return char(std::toupper(static_cast<unsigned char>(c))); });
  req.time = *time;
  req.expires = std::chrono::seconds(o.expires);
  req.scheme = o.scheme;
  req.headers = std::move(*headers);
  req.query = std::move(*query);
  req.endpoint = o.endpoint;
  if (req.endpoint.empty()) {
    // An emulator serves plain HTTP unless its address says otherwise (the Google SDKs read it the same way).
    if (auto emulator = env("STORAGE_EMULATOR_HOST"))
      req.endpoint = (emulator->find("://") == std::string::npos && o.scheme.empty()) ? "http://" + *emulator : *emulator;
  }
  if (o.url_style == "bucket-bound-host" || (o.url_style.empty() && !o.bucket_bound_host.empty())) {
    if (o.bucket_bound_host.empty())
      return failure(error::invalid_argument, "--url-style bucket-bound-host needs --bucket-bound-host HOST");
    req.style = signing::gcs_url_style::bucket_bound_host;
    req.bucket_bound_host = o.bucket_bound_host;
  } else if (!o.bucket_bound_host.empty()) {
    return failure(error::invalid_argument, "--bucket-bound-host goes with --url-style bucket-bound-host");
  } else {
    req.style = o.url_style == "virtual" ? signing::gcs_url_style::virtual_hosted : signing::gcs_url_style::path;
  }
  return signing::gcs_signed_url(req);
}

// az://ACCOUNT/CONTAINER/BLOB (or its https:// blob URL): a service SAS signed with the account key from
// AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_KEY; the method decides the permissions, --date + --expires the
// expiry, --scheme http (or a plain-HTTP endpoint such as Azurite) also allows plain HTTP.
result<std::string> presign_az(const presign_options& o) {
  if (!o.key_file.empty()) return failure(error::invalid_argument, "--key-file is for gs:// URLs");
  if (!o.headers.empty() || !o.query.empty() || !o.url_style.empty() || !o.bucket_bound_host.empty())
    return failure(error::invalid_argument, "--header, --query, --url-style and --bucket-bound-host do not apply to az://");
  auto u = object_url::parse(o.url);
  if (!u) return u.error();
  if (u->kind != url_kind::az || u->key.empty() || u->is_prefix())
    return failure(error::invalid_argument, "az presign needs az://ACCOUNT/CONTAINER/BLOB");
  auto creds = auth::resolve_azure_storage_credentials(u->account, auth::process_environment());
  if (!creds) return creds.error();
  auto time = signing_time(o.date);
  if (!time) return time.error();
  std::string method = o.method;
  std::transform(method.begin(), method.end(), method.begin(), [](char c) { return char(std::toupper(static_cast<unsigned char>(c))); });
  signing::azure_blob_sas_request req;
  req.account = u->account;
  req.container = u->bucket;
  req.blob = u->key;
  if (method == "GET" || method == "HEAD") req.permissions = "r";
  else if (method == "PUT") req.permissions = "cw";
  else if (method == "DELETE") req.permissions = "d";
  else return failure(error::invalid_argument, "--method " + method + " has no Azure SAS permission (GET, HEAD, PUT, DELETE)");
  req.expiry = *time + std::chrono::seconds(o.expires);
  // A plain-HTTP endpoint (the emulator, a custom one) could never satisfy spr=https.
  bool http_endpoint = creds->blob_endpoint.starts_with("http://");
  req.protocol = (o.scheme == "http" || http_endpoint) ? "https,http" : "https";
  auto signed_url = auth::azure_presign_blob(*creds, req);
  if (!signed_url) return signed_url.error();
  return signed_url->url;
}

int run_presign(std::span<const std::string> args) {
  CLI::App app{"Print a presigned URL for an object (no network access)", "ferry presign"};
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
