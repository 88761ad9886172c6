// The one retry policy: exponential backoff with full jitter, Retry-After honoured, a shared retry
// budget, and no blind replay of non-idempotent requests. Pure logic, testable with a fake clock.
#pragma once

#include "ferry/error.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>

namespace ferry {

// Whether an error is worth another attempt at all (idempotency is judged separately).
bool is_retryable(const failure& f) noexcept;

// A token bucket shared by all requests of a client: retries spend tokens, successes refill them, so a
// dead service does not get a retry storm (the AWS SDKs' "retry quota").
class retry_budget {
 public:
  explicit retry_budget(int capacity = 500, int retry_cost = 5, int timeout_cost = 10, int success_refund = 1)
      : capacity_(capacity), tokens_(capacity), retry_cost_(retry_cost), timeout_cost_(timeout_cost),
        success_refund_(success_refund) {}
  bool try_spend(const failure& f);
  void on_success();
  int tokens() const;

 private:
  mutable std::mutex mutex_;
  int capacity_, tokens_, retry_cost_, timeout_cost_, success_refund_;
};

struct retry_options {
  int max_attempts = 6;                       // total sends, including the first
  std::chrono::milliseconds base_delay{100};  // first backoff ceiling
  std::chrono::milliseconds max_delay{20'000};
  std::chrono::milliseconds max_total{300'000};  // give up when this much time has passed since the first attempt
};

// Link-local credential endpoints (IMDS, the GCE metadata server, managed identity): a few quick attempts within
// seconds, so a machine without one fails fast and a busy one still gets a second chance.
inline retry_options local_endpoint_retry(int max_attempts = 3) {
  retry_options r;
  r.max_attempts = max_attempts;
  r.base_delay = std::chrono::milliseconds(50);
  r.max_total = std::chrono::seconds(5);
  return r;
}

class retry_policy {
 public:
  using clock = std::chrono::steady_clock;
  using now_fn = std::function<clock::time_point()>;

  explicit retry_policy(retry_options options = {}, std::shared_ptr<retry_budget> budget = nullptr,
                        now_fn now = nullptr, std::uint64_t seed = std::random_device{}());

  // Call once before the first attempt.
  void start();
  // After attempt number `attempt` (1-based) failed with f: the delay before the next one, or nullopt to give
  // up. `idempotent` says whether replaying the request is harmless.
  std::optional<std::chrono::milliseconds> next_delay(const failure& f, int attempt, bool idempotent);
  void on_success();

  const retry_options& options() const noexcept { return options_; }

 private:
  retry_options options_;
  std::shared_ptr<retry_budget> budget_;
  now_fn now_;
  std::mt19937_64 rng_;
  clock::time_point started_{};
};

}  // namespace ferry
