// `ferry_bench sign [--iterations N] [--runs R] [--case NAME] [--json]`: how long each signing scheme takes for a
// typical request, single-threaded, with every per-credential derivation cached the way the providers cache it
// (SigV4 signing keys in a sigv4_key_cache, the Azure key and the RSA key parsed once). Each case is warmed up, then
// timed over R runs of N signatures; the median run is reported. The case "sigv4_get" is the yardstick
// (a ranged S3 GET with a cached key, target < 5 µs); bench/sign_peers.py times botocore on the same request.
#include "signing/azure_service_sas.hpp"
#include "signing/azure_shared_key.hpp"
#include "signing/gcs_signed_url.hpp"
#include "signing/sigv4.hpp"
#include "signing/sigv4_presign_url.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace ferry::bench {
namespace {

bool parse_count(const std::string& text, long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0;
}

struct bench_case {
  std::string name;
  std::string description;
  long iteration_divisor = 1;  // RSA is ~1000x slower than HMAC: fewer iterations keep runs short
  std::function<std::size_t()> sign_once;  // returns a size so the work cannot be optimised away
};

struct measured {
  double median_ns, min_ns, max_ns;
  long iterations;
  std::vector<double> runs;
};

measured measure(const bench_case& c, long iterations, long runs) {
  iterations = std::max<long>(1, iterations / c.iteration_divisor);
  std::size_t sink = 0;
  for (long i = 0; i < std::min<long>(iterations, 10000); ++i) sink += c.sign_once();  // caches, allocator
  measured m{0, 0, 0, iterations, {}};
  for (long r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) sink += c.sign_once();
    auto t1 = std::chrono::steady_clock::now();
    m.runs.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / double(iterations));
  }
  auto sorted = m.runs;
  std::sort(sorted.begin(), sorted.end());
  m.median_ns = sorted.size() % 2 ? sorted[sorted.size() / 2] : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  m.min_ns = sorted.front();
  m.max_ns = sorted.back();
  if (sink == 0) std::fprintf(stderr, "ferry_bench sign: %s produced nothing\n", c.name.c_str());
  return m;
}

// A fresh RSA-2048 key for the GCS service-account case (the bench needs a key, not a particular one).
std::string generate_rsa_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(EVP_RSA_gen(2048), EVP_PKEY_free);
  if (!pkey) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr)) return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, std::size_t(len));
}

}  // namespace

int run_sign_bench(std::span<const std::string> args) {
  long iterations = 100000, runs = 5;
  bool json = false;
  std::string only;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      json = true;
    } else if (a == "--case" && i + 1 < args.size()) {
      only = args[++i];
    } else if ((a == "--iterations" || a == "--runs") && i + 1 < args.size()) {
      long& target = a == "--runs" ? runs : iterations;
      if (!parse_count(args[++i], target)) {
        std::fprintf(stderr, "ferry_bench sign: %s needs a positive integer\n", a.c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "usage: ferry_bench sign [--iterations N] [--runs R] [--case NAME] [--json]\n");
      return 2;
    }
  }

  using namespace signing;
  const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const std::string object = "models/llama/model-00001-of-00004.safetensors";

  // AWS: the same request bench/sign_peers.py gives botocore.
  const aws_credentials aws{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  sigv4_request get;
  get.method = "GET";
  get.path = "/" + object;
  get.headers = {{"Host", "examplebucket.s3.us-west-2.amazonaws.com"}, {"Range", "bytes=0-8388607"}};
  get.payload_hash = std::string(unsigned_payload);
  auto params = sigv4_params::s3("us-west-2", now);
  sigv4_key_cache cache;
  s3_presign_input presign;
  presign.bucket = "examplebucket";
  presign.key = object;
  presign.region = "us-west-2";
  presign.time = now;

  // Google: an HMAC key and a service account.
  gcs_signed_url_request gcs_hmac;
  gcs_hmac.credentials = gcs_hmac_credentials{"GOOG1EXAMPLEACCESSID0123456789", "bGoa+V7g/yqDXvKRqq+JTFn4uQZbPiQJo4pf9RzJ"};
  gcs_hmac.bucket = "example-bucket";
  gcs_hmac.object = object;
  gcs_hmac.time = now;
  gcs_signed_url_request gcs_rsa = gcs_hmac;
  gcs_rsa.credentials = gcs_rsa_credentials{"bench@example-project.iam.gserviceaccount.com", generate_rsa_pem()};

  // Azure: the emulator's published account key.
  auto azure = azure_key::from_base64(
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==");
  if (!azure) {
    std::fprintf(stderr, "ferry_bench sign: %s\n", azure.error().message.c_str());
    return 1;
  }
  azure_shared_key_input shared_key;
  shared_key.account = "myaccount";
  shared_key.path = "/models/" + object;
  shared_key.headers = {{"x-ms-date", azure_http_date(now)}, {"x-ms-version", "2021-08-06"}, {"x-ms-range", "bytes=0-8388607"}};
  azure_blob_sas_request sas;
  sas.account = "myaccount";
  sas.container = "models";
  sas.blob = object;
  sas.permissions = "r";
  sas.expiry = now + std::chrono::hours(1);
  sas.protocol = "https";

  std::vector<bench_case> cases = {
      {"sigv4_get", "SigV4 Authorization for a ranged S3 GET, cached signing key", 1,
       [&] {
         auto s = sigv4_sign_headers(get, aws, params, &cache);
         return s ? s->signature.size() + s->headers.size() : 0;
       }},
      {"sigv4_presign", "SigV4 presigned S3 GET URL (virtual-hosted), cached signing key", 1,
       [&] {
         auto s = s3_presign_url(presign, aws, &cache);
         return s ? s->url.size() : 0;
       }},
      {"gcs_hmac_url", "GOOG4-HMAC-SHA256 signed GET URL (key derived per URL)", 1,
       [&] {
         auto s = gcs_signed_url(gcs_hmac);
         return s ? s->size() : 0;
       }},
      {"gcs_rsa_url", "GOOG4-RSA-SHA256 signed GET URL, RSA-2048 (PEM parsed per URL)", 500,
       [&] {
         auto s = gcs_signed_url(gcs_rsa);
         return s ? s->size() : 0;
       }},
      {"azure_shared_key", "Azure SharedKey Authorization for a ranged Get Blob", 1,
       [&] {
         auto s = azure_shared_key_authorization(shared_key, *azure);
         return s ? s->size() : 0;
       }},
      {"azure_service_sas", "Azure service SAS (read, one blob)", 1,
       [&] {
         auto s = azure_blob_service_sas(sas, *azure);
         return s ? s->query.size() : 0;
       }},
  };

  bool any = false, first = true;
  if (json) std::printf("{\"bench\":\"sign\",\"threads\":1,\"runs\":%ld,\"cases\":[", runs);
  for (auto& c : cases) {
    if (!only.empty() && c.name != only) continue;
    any = true;
    if (c.sign_once() == 0) {
      std::fprintf(stderr, "ferry_bench sign: case %s failed to sign\n", c.name.c_str());
      return 1;
    }
    auto m = measure(c, iterations, runs);
    if (json) {
      std::printf("%s{\"case\":\"%s\",\"description\":\"%s\",\"iterations\":%ld,\"ns_per_signature\":%.1f,\"min_ns\":%.1f,"
                  "\"max_ns\":%.1f,\"run_ns\":[",
                  first ? "" : ",", c.name.c_str(), c.description.c_str(), m.iterations, m.median_ns, m.min_ns, m.max_ns);
      for (std::size_t i = 0; i < m.runs.size(); ++i) std::printf("%s%.1f", i ? "," : "", m.runs[i]);
      std::printf("]}");
    } else {
      std::printf("%-18s %10.0f ns per signature (median of %ld runs x %ld, min %.0f, max %.0f)  %s\n", c.name.c_str(),
                  m.median_ns, runs, m.iterations, m.min_ns, m.max_ns, c.description.c_str());
    }
    first = false;
  }
  if (json) std::printf("],\"sigv4_key_cache\":{\"hits\":%zu,\"misses\":%zu}}\n", cache.hits(), cache.misses());
  if (!any) {
    std::fprintf(stderr, "ferry_bench sign: no case named '%s'\n", only.c_str());
    return 2;
  }
  return 0;
}

}  // namespace ferry::bench
