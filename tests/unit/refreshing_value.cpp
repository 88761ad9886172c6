// The expiring-credential cache with a fake clock and a fake fetch: single flight, refresh margin, keeping a
// still-valid value when a refresh fails.
#include "src/auth/refreshing_value.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

using namespace ferry;
using namespace ferry::auth;
using namespace std::chrono_literals;
namespace asio = boost::asio;

namespace {

struct fixture {
  wall_clock::time_point now = wall_clock::time_point(std::chrono::seconds(1'700'000'000));
  int fetches = 0;
  bool fail_next = false;
  std::chrono::seconds lifetime = 3600s;
  std::shared_ptr<asio::steady_timer> gate;  // when set, fetches wait for it (to hold them in flight)

  refreshing_value<std::string> make() {
    return refreshing_value<std::string>(
        [this]() -> asio::awaitable<result<expiring<std::string>>> {
          ++fetches;
          if (gate) {
            boost::system::error_code ec;
            co_await gate->async_wait(asio::redirect_error(asio::use_awaitable, ec));
          }
          if (fail_next) co_return failure(error::connection_failed, "token endpoint down");
          co_return expiring<std::string>{"token-" + std::to_string(fetches), now + lifetime};
        },
        300s, [this] { return now; });
  }
};

template <class T>
T run(asio::io_context& io, asio::awaitable<T> a) {
  auto f = asio::co_spawn(io, std::move(a), asio::use_future);
  io.restart();
  io.run();
  return f.get();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(refreshing_value_suite)

BOOST_AUTO_TEST_CASE(caches_until_the_refresh_margin) {
  fixture fx;
  auto v = fx.make();
  asio::io_context io;
  BOOST_TEST(*run(io, v.get()) == "token-1");
  fx.now += 3000s;  // 600 s left: still outside the 300 s margin
  BOOST_TEST(*run(io, v.get()) == "token-1");
  fx.now += 400s;  // 200 s left: refresh now
  BOOST_TEST(*run(io, v.get()) == "token-2");
  BOOST_TEST(fx.fetches == 2);
}

BOOST_AUTO_TEST_CASE(an_already_expired_fetch_is_an_error_not_a_value) {
  fixture fx;
  fx.lifetime = -10s;  // the source's expiry lies in the past
  auto v = fx.make();
  asio::io_context io;
  auto r = run(io, v.get());
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("already expired") != std::string::npos);
  fx.lifetime = 3600s;  // the next fetch is healthy again
  BOOST_TEST(*run(io, v.get()) == "token-2");
}

BOOST_AUTO_TEST_CASE(never_expiring_values_are_fetched_once) {
  fixture fx;
  refreshing_value<std::string> v([&]() -> asio::awaitable<result<expiring<std::string>>> {
    ++fx.fetches;
    co_return expiring<std::string>{"static", std::nullopt};
  });
  asio::io_context io;
  for (int i = 0; i < 5; ++i) BOOST_TEST(*run(io, v.get()) == "static");
  BOOST_TEST(fx.fetches == 1);
}

BOOST_AUTO_TEST_CASE(concurrent_callers_share_one_fetch) {
  fixture fx;
  asio::io_context io;
  fx.gate = std::make_shared<asio::steady_timer>(io, asio::steady_timer::time_point::max());
  auto v = fx.make();
  std::vector<std::string> got;
  for (int i = 0; i < 10; ++i)
    asio::co_spawn(io, [&]() -> asio::awaitable<void> { got.push_back(*(co_await v.get())); }, asio::detached);
  io.poll();  // everyone is now waiting on the single fetch
  BOOST_TEST(fx.fetches == 1);
  fx.gate->cancel();
  io.run();
  BOOST_TEST(got.size() == 10u);
  BOOST_TEST(std::count(got.begin(), got.end(), "token-1") == 10);
  BOOST_TEST(fx.fetches == 1);
  fx.gate.reset();  // the timer must die before the io_context it belongs to
}

BOOST_AUTO_TEST_CASE(failed_refresh_keeps_a_valid_value_and_reports_once_expired) {
  fixture fx;
  auto v = fx.make();
  asio::io_context io;
  BOOST_TEST(*run(io, v.get()) == "token-1");
  fx.now += 3500s;  // inside the margin, not expired
  fx.fail_next = true;
  BOOST_TEST(*run(io, v.get()) == "token-1");
  fx.now += 200s;  // expired now
  auto r = run(io, v.get());
  BOOST_REQUIRE(!r);
  BOOST_TEST((r.error().kind == error::connection_failed));
  fx.fail_next = false;
  BOOST_TEST(*run(io, v.get()) == "token-4");
}

BOOST_AUTO_TEST_CASE(invalidate_forces_a_new_fetch) {
  fixture fx;
  auto v = fx.make();
  asio::io_context io;
  BOOST_TEST(*run(io, v.get()) == "token-1");
  v.invalidate();
  BOOST_TEST(*run(io, v.get()) == "token-2");
}

BOOST_AUTO_TEST_SUITE_END()
