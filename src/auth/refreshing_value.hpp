// A credential or token that expires: fetched once for many concurrent callers (single flight), refreshed a margin
// before it expires, and kept in use while a refresh fails if it has not expired yet. Every credential source with an
// expiry (IMDS, ECS, STS, OAuth2 token endpoints, managed identity) sits behind one of these.
#pragma once

#include "ferry/error.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>

namespace ferry::auth {

using wall_clock = std::chrono::system_clock;

template <class T>
struct expiring {
  T value;
  std::optional<wall_clock::time_point> expires;  // nullopt: never expires
};

template <class T>
class refreshing_value {
 public:
  using fetch_fn = std::function<boost::asio::awaitable<result<expiring<T>>>()>;
  using now_fn = std::function<wall_clock::time_point()>;

  explicit refreshing_value(fetch_fn fetch, std::chrono::seconds margin = std::chrono::minutes(5),
                            now_fn now = nullptr)
      : state_(std::make_shared<state>()) {
    state_->fetch = std::move(fetch);
    state_->margin = margin;
    state_->now = now ? std::move(now) : [] { return wall_clock::now(); };
  }

  boost::asio::awaitable<result<T>> get() {
    auto s = state_;
    for (;;) {
      std::shared_ptr<boost::asio::steady_timer> wait_on;
      {
        std::unique_lock lock(s->mutex);
        auto now = s->now();
        if (s->cached && fresh(*s->cached, now, s->margin)) co_return s->cached->value;
        bool usable = s->cached && !expired(*s->cached, now);
        if (s->in_flight) {
          if (usable) co_return s->cached->value;  // inside the margin: someone is already refreshing
          wait_on = std::make_shared<boost::asio::steady_timer>(co_await boost::asio::this_coro::executor,
                                                                boost::asio::steady_timer::time_point::max());
          s->waiters.push_back(wait_on);
        } else {
          s->in_flight = true;
        }
      }
      if (wait_on) {
        boost::system::error_code ec;
        co_await wait_on->async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
        std::lock_guard lock(s->mutex);
        if (s->last_failure && !(s->cached && !expired(*s->cached, s->now()))) co_return *s->last_failure;
        continue;
      }
      auto fetched = co_await s->fetch();
      std::unique_lock lock(s->mutex);
      s->in_flight = false;
      // A source that hands out something already expired (a skewed clock, a stale cache upstream) must not be
      // passed on even once: callers would sign with it and fail far from the cause.
      if (fetched && expired(*fetched, s->now()))
        fetched = failure(error::access_denied, "the credential source returned a credential that had already expired "
                                                "(check this machine's clock)");
      for (auto& w : s->waiters) boost::asio::post(w->get_executor(), [w] { w->cancel(); });
      s->waiters.clear();
      if (fetched) {
        s->cached = std::move(*fetched);
        s->last_failure.reset();
        co_return s->cached->value;
      }
      s->last_failure = fetched.error();
      if (s->cached && !expired(*s->cached, s->now())) co_return s->cached->value;  // the old one still works
      co_return fetched.error();
    }
  }

  // Forget the cached value (e.g. after the service said the token expired early).
  void invalidate() {
    std::lock_guard lock(state_->mutex);
    state_->cached.reset();
  }

 private:
  static bool expired(const expiring<T>& v, wall_clock::time_point now) { return v.expires && now >= *v.expires; }
  static bool fresh(const expiring<T>& v, wall_clock::time_point now, std::chrono::seconds margin) {
    return !v.expires || now + margin < *v.expires;
  }

  struct state {
    fetch_fn fetch;
    std::chrono::seconds margin{};
    now_fn now;
    std::mutex mutex;
    std::optional<expiring<T>> cached;
    std::optional<failure> last_failure;
    bool in_flight = false;
    std::list<std::shared_ptr<boost::asio::steady_timer>> waiters;
  };
  std::shared_ptr<state> state_;
};

}  // namespace ferry::auth
