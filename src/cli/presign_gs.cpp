// gs://BUCKET[/OBJECT]: a GCS V4 signed URL, GOOG4-RSA-SHA256 with a service-account key or GOOG4-HMAC-SHA256 with an
// HMAC key; STORAGE_EMULATOR_HOST (or --endpoint) for emulators.
#include "cli/presign.hpp"

#include "signing/gcs_signed_url.hpp"
#include "src/auth/environment.hpp"
#include "src/auth/google_key_file.hpp"

namespace ferry::cli {
namespace {

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

}  // namespace

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
  req.method = upper_method(o.method);
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

}  // namespace ferry::cli
