// `ferry_bench sign [--iterations N] [--runs R] [--json]`: how long SigV4 header signing of a typical
// S3 GET takes (host, x-amz-date, x-amz-content-sha256: UNSIGNED-PAYLOAD, range) with a cached key.
// Single-threaded; prints the median over several runs after a warm-up.
#include "signing/sigv4.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace ferry::bench {
namespace {

bool parse_count(const std::string& text, long& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size() && out > 0;
}

}  // namespace

int run_sign_bench(std::span<const std::string> args) {
  long iterations = 100000, runs = 5;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      json = true;
    } else if ((a == "--iterations" || a == "--runs") && i + 1 < args.size()) {
      long& target = a == "--runs" ? runs : iterations;
      if (!parse_count(args[++i], target)) {
        std::fprintf(stderr, "ferry_bench sign: %s needs a positive integer\n", a.c_str());
        return 2;
      }
    } else {
      std::fprintf(stderr, "usage: ferry_bench sign [--iterations N] [--runs R] [--json]\n");
      return 2;
    }
  }

  using namespace signing;
  const aws_credentials creds{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  sigv4_request req;
  req.method = "GET";
  req.path = "/models/llama/model-00001-of-00004.safetensors";
  req.headers = {{"Host", "examplebucket.s3.us-west-2.amazonaws.com"}, {"Range", "bytes=0-8388607"}};
  req.payload_hash = std::string(unsigned_payload);
  auto params = sigv4_params::s3("us-west-2", std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
  sigv4_key_cache cache;

  std::size_t sink = 0;
  auto sign_once = [&] {
    auto sig = sigv4_sign_headers(req, creds, params, &cache);
    sink += sig ? sig->signature.size() + sig->headers.size() : 1;
  };
  for (long i = 0; i < std::min<long>(iterations, 10000); ++i) sign_once();  // warm-up: caches, allocator

  std::vector<double> ns_per_sig;
  for (long r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    for (long i = 0; i < iterations; ++i) sign_once();
    auto t1 = std::chrono::steady_clock::now();
    ns_per_sig.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / double(iterations));
  }
  std::vector<double> sorted = ns_per_sig;
  std::sort(sorted.begin(), sorted.end());
  double median = sorted[sorted.size() / 2];
  if (sorted.size() % 2 == 0) median = (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;

  if (json) {
    std::printf("{\"bench\":\"sign\",\"algorithm\":\"AWS4-HMAC-SHA256\",\"threads\":1,\"iterations\":%ld,\"runs\":%ld,"
                "\"ns_per_signature\":%.1f,\"min_ns\":%.1f,\"max_ns\":%.1f,\"run_ns\":[",
                iterations, runs, median, sorted.front(), sorted.back());
    for (std::size_t i = 0; i < ns_per_sig.size(); ++i) std::printf("%s%.1f", i ? "," : "", ns_per_sig[i]);
    std::printf("],\"cache_hits\":%zu,\"cache_misses\":%zu}\n", cache.hits(), cache.misses());
  } else {
    std::printf("sign: %.0f ns per signature (median of %ld runs x %ld, min %.0f, max %.0f; key cache %zu hits, %zu "
                "misses)\n",
                median, runs, iterations, sorted.front(), sorted.back(), cache.hits(), cache.misses());
  }
  return sink == 0 ? 1 : 0;
}

}  // namespace ferry::bench
