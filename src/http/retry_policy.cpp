#include "ferry/retry.hpp"

#include <algorithm>

namespace ferry {

bool is_retryable(const failure& f) noexcept {
  switch (f.kind) {
    case error::throttled:
    case error::timeout:
    case error::connection_failed:
    case error::server_error:
      return f.http_status != 501;  // 501 Not Implemented will not change its mind
    case error::protocol_error:
      // A truncated or garbled response is worth another try; an unexpected 3xx/1xx status is not.
      return f.http_status == 0;
    case error::access_denied:
      // S3 RequestTimeTooSkewed / expired tokens are fixed by refreshing, which the caller does before retrying.
      return f.service_code == "RequestTimeTooSkewed" || f.service_code == "ExpiredToken";
    case error::invalid_argument:
      return f.service_code == "RequestTimeout";  // S3: socket idle too long, a 400 that is transient
    default:
      return false;
  }
}

bool retry_budget::try_spend(const failure& f) {
  std::lock_guard lock(mutex_);
  int cost = f.kind == error::timeout ? timeout_cost_ : retry_cost_;
  if (tokens_ < cost) return false;
  tokens_ -= cost;
  return true;
}

void retry_budget::on_success() {
  std::lock_guard lock(mutex_);
  tokens_ = std::min(capacity_, tokens_ + success_refund_);
}

int retry_budget::tokens() const {
  std::lock_guard lock(mutex_);
  return tokens_;
}

retry_policy::retry_policy(retry_options options, std::shared_ptr<retry_budget> budget, now_fn now,
                           std::uint64_t seed)
    : options_(options), budget_(std::move(budget)), now_(std::move(now)), rng_(seed) {
  if (!now_) now_ = [] { return clock::now(); };
}

void retry_policy::start() { started_ = now_(); }

std::optional<std::chrono::milliseconds> retry_policy::next_delay(const failure& f, int attempt, bool idempotent) {
  using std::chrono::milliseconds;
  if (attempt >= options_.max_attempts) return std::nullopt;
  if (!is_retryable(f)) return std::nullopt;
  // A request that may have been applied must not be replayed blindly: only failures that prove the server did not
  // act on it (it could not be connected, or it answered with a throttling status) are safe to retry.
  bool provably_not_applied = !f.request_sent || f.kind == error::throttled;
  if (!idempotent && !provably_not_applied) return std::nullopt;

  // Full jitter: uniform in [0, min(max, base * 2^(attempt-1))].
  long ceiling = options_.base_delay.count();
  for (int i = 1; i < attempt && ceiling < options_.max_delay.count(); ++i) ceiling *= 2;
  ceiling = std::min<long>(ceiling, options_.max_delay.count());
  long delay = std::uniform_int_distribution<long>(0, std::max<long>(ceiling, 0))(rng_);
  // The server knows best when it says how long to wait.
  if (f.retry_after_ms >= 0) delay = std::max(delay, std::min<long>(f.retry_after_ms, options_.max_delay.count()));

  auto elapsed = std::chrono::duration_cast<milliseconds>(now_() - started_);
  if (elapsed + milliseconds(delay) > options_.max_total) return std::nullopt;
  if (budget_ && !budget_->try_spend(f)) return std::nullopt;
  return milliseconds(delay);
}

void retry_policy::on_success() {
  if (budget_) budget_->on_success();
}

}  // namespace ferry
