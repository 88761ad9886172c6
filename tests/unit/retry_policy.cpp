// The retry policy with a fake clock and a fixed seed: no sleeping, no sockets.
#include "ferry/retry.hpp"

#include <boost/test/unit_test.hpp>

#include <set>

using namespace ferry;
using namespace std::chrono_literals;
using ms = std::chrono::milliseconds;

namespace {

struct fake_clock {
  retry_policy::clock::time_point now{};
  retry_policy::now_fn fn() {
    return [this] { return now; };
  }
};

failure make(error kind, int status = 0, std::string code = {}) {
  failure f(kind, "test");
  f.http_status = status;
  f.service_code = std::move(code);
  f.request_sent = true;
  return f;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(retry_policy_suite)

BOOST_AUTO_TEST_CASE(retryable_kinds) {
  BOOST_TEST(is_retryable(make(error::throttled, 503)));
  BOOST_TEST(is_retryable(make(error::server_error, 500)));
  BOOST_TEST(is_retryable(make(error::connection_failed)));
  BOOST_TEST(is_retryable(make(error::timeout)));
  BOOST_TEST(is_retryable(make(error::protocol_error)));  // truncated body
  BOOST_TEST(!is_retryable(make(error::protocol_error, 302)));
  BOOST_TEST(!is_retryable(make(error::server_error, 501)));
  BOOST_TEST(!is_retryable(make(error::not_found, 404)));
  BOOST_TEST(!is_retryable(make(error::access_denied, 403, "SignatureDoesNotMatch")));
  BOOST_TEST(is_retryable(make(error::access_denied, 403, "RequestTimeTooSkewed")));
  BOOST_TEST(is_retryable(make(error::invalid_argument, 400, "RequestTimeout")));
  BOOST_TEST(!is_retryable(make(error::invalid_argument, 400, "InvalidArgument")));
  BOOST_TEST(!is_retryable(make(error::checksum_mismatch)));
  BOOST_TEST(!is_retryable(make(error::precondition_failed, 412)));
}

BOOST_AUTO_TEST_CASE(full_jitter_stays_under_exponential_ceiling) {
  fake_clock clock;
  retry_options opts;
  opts.max_attempts = 10;
  opts.base_delay = 100ms;
  opts.max_delay = 1600ms;
  retry_policy policy(opts, nullptr, clock.fn(), 42);
  policy.start();
  long ceilings[] = {100, 200, 400, 800, 1600, 1600, 1600, 1600, 1600};
  bool saw_below_half = false;
  for (int attempt = 1; attempt <= 9; ++attempt) {
    auto d = policy.next_delay(make(error::server_error, 500), attempt, true);
    BOOST_REQUIRE(d);
    BOOST_TEST(d->count() >= 0);
    BOOST_TEST(d->count() <= ceilings[attempt - 1]);
    if (d->count() < ceilings[attempt - 1] / 2) saw_below_half = true;
  }
  BOOST_TEST(saw_below_half);  // jitter really spreads delays (seeded, so deterministic)
  BOOST_TEST(!policy.next_delay(make(error::server_error, 500), 10, true));  // max_attempts reached
}

BOOST_AUTO_TEST_CASE(jitter_is_not_constant_across_seeds) {
  fake_clock clock;
  std::set<long> seen;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    retry_policy p(retry_options{}, nullptr, clock.fn(), seed);
    p.start();
    seen.insert(p.next_delay(make(error::throttled, 503), 3, true)->count());
  }
  BOOST_TEST(seen.size() > 5u);
}

BOOST_AUTO_TEST_CASE(retry_after_is_honoured_and_capped) {
  fake_clock clock;
  retry_options opts;
  opts.max_delay = 5000ms;
  retry_policy policy(opts, nullptr, clock.fn(), 1);
  policy.start();
  auto f = make(error::throttled, 503);
  f.retry_after_ms = 3000;
  BOOST_TEST(policy.next_delay(f, 1, true)->count() >= 3000);
  f.retry_after_ms = 60'000;  // more than we are willing to wait per attempt
  BOOST_TEST(policy.next_delay(f, 1, true)->count() == 5000);
}

BOOST_AUTO_TEST_CASE(total_time_limit_uses_the_clock) {
  fake_clock clock;
  retry_options opts;
  opts.max_total = 10s;
  opts.max_attempts = 100;
  retry_policy policy(opts, nullptr, clock.fn(), 7);
  policy.start();
  BOOST_TEST(policy.next_delay(make(error::timeout), 1, true).has_value());
  clock.now += 9s;
  auto f = make(error::throttled, 503);
  f.retry_after_ms = 2000;  // would end past the 10 s limit
  BOOST_TEST(!policy.next_delay(f, 2, true).has_value());
  clock.now += 2s;
  BOOST_TEST(!policy.next_delay(make(error::timeout), 3, true).has_value());
}

BOOST_AUTO_TEST_CASE(non_idempotent_requests_are_not_replayed_blindly) {
  fake_clock clock;
  retry_policy policy(retry_options{}, nullptr, clock.fn(), 3);
  policy.start();
  auto sent = make(error::connection_failed);  // reset after the request went out: it may have applied
  BOOST_TEST(!policy.next_delay(sent, 1, false).has_value());
  auto not_sent = sent;
  not_sent.request_sent = false;  // the connection never opened
  BOOST_TEST(policy.next_delay(not_sent, 1, false).has_value());
  BOOST_TEST(policy.next_delay(make(error::throttled, 503), 1, false).has_value());  // rejected, not applied
  BOOST_TEST(!policy.next_delay(make(error::server_error, 500), 1, false).has_value());
  BOOST_TEST(policy.next_delay(make(error::server_error, 500), 1, true).has_value());
}

BOOST_AUTO_TEST_CASE(budget_stops_retry_storms_and_refills_on_success) {
  fake_clock clock;
  auto budget = std::make_shared<retry_budget>(20, 5, 10, 1);
  retry_policy policy(retry_options{}, budget, clock.fn(), 9);
  policy.start();
  BOOST_TEST(policy.next_delay(make(error::server_error, 500), 1, true).has_value());  // 15 left
  BOOST_TEST(policy.next_delay(make(error::timeout), 1, true).has_value());            // 5 left
  BOOST_TEST(policy.next_delay(make(error::server_error, 500), 1, true).has_value());  // 0 left
  BOOST_TEST(!policy.next_delay(make(error::server_error, 500), 1, true).has_value());
  BOOST_TEST(budget->tokens() == 0);
  for (int i = 0; i < 5; ++i) policy.on_success();
  BOOST_TEST(budget->tokens() == 5);
  BOOST_TEST(policy.next_delay(make(error::server_error, 500), 1, true).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
