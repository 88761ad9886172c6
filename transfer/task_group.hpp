// Runs N coroutines concurrently and lets the caller co_await all of them (a latch on a timer: the last one to
// finish cancels the wait). Works on a multi-threaded io_context.
#pragma once

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

namespace ferry::transfer {

class task_group {
 public:
  explicit task_group(boost::asio::any_io_executor ex)
      : ex_(ex), state_(std::make_shared<state>(ex)) {}

  void spawn(std::function<boost::asio::awaitable<void>()> task) {
    state_->pending.fetch_add(1);
    boost::asio::co_spawn(
        ex_,
        [s = state_, task = std::move(task)]() -> boost::asio::awaitable<void> {
          co_await task();
          if (s->pending.fetch_sub(1) == 1) boost::asio::post(s->timer.get_executor(), [s] { s->timer.cancel(); });
        },
        boost::asio::detached);
  }

  boost::asio::awaitable<void> wait() {
    while (state_->pending.load() > 0) {
      // The bound covers the race where the last task finishes between the check and the wait.
      state_->timer.expires_after(std::chrono::milliseconds(20));
      boost::system::error_code ec;
      co_await state_->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    }
  }

 private:
  struct state {
    explicit state(boost::asio::any_io_executor ex) : timer(ex, boost::asio::steady_timer::time_point::max()) {}
    boost::asio::steady_timer timer;
    std::atomic<int> pending{0};
  };
  boost::asio::any_io_executor ex_;
  std::shared_ptr<state> state_;
};

}  // namespace ferry::transfer
