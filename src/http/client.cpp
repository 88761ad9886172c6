// The client: a keep-alive connection pool per (scheme, host, port) under a global cap, a DNS cache, and the
// request loop that hands one exchange to a pooled connection. One mutex guards the pool's bookkeeping; no I/O
// happens under it.
#include "ferry/http.hpp"
#include "src/http/connection.hpp"
#include "src/http/tls_context.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <deque>
#include <list>
#include <map>
#include <mutex>
#include <random>

namespace ferry::http {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

std::string pool_key(const url& u) { return u.scheme + "://" + u.host + ":" + std::to_string(u.port); }

}  // namespace

struct client::impl : std::enable_shared_from_this<client::impl> {
  asio::any_io_executor executor;
  client_options options;
  std::shared_ptr<asio::ssl::context> tls;  // made on first https use
  std::optional<failure> tls_failure;

  struct host_pool {
    std::deque<std::unique_ptr<connection>> idle;
    std::size_t open = 0;
  };
  struct waiter {
    std::string key;
    std::shared_ptr<asio::steady_timer> timer;
  };
  struct dns_entry {
    tcp::resolver::results_type results;
    std::chrono::steady_clock::time_point expires;
  };

  mutable std::mutex mutex;
  std::map<std::string, host_pool> pools;
  std::list<waiter> waiters;
  std::size_t open_total = 0;
  std::map<std::string, dns_entry> dns;

  impl(asio::any_io_executor ex, client_options opts) : executor(std::move(ex)), options(std::move(opts)) {}

  result<std::shared_ptr<asio::ssl::context>> tls_context() {
    std::lock_guard lock(mutex);
    if (!tls && !tls_failure) {
      auto made = make_tls_context(options);
      if (made)
        tls = *made;
      else
        tls_failure = made.error();
    }
    if (tls_failure) return *tls_failure;
    return tls;
  }

  asio::awaitable<result<tcp::resolver::results_type>> resolve(const url& u) {
    std::string key = u.host + ":" + std::to_string(u.port);
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(mutex);
      if (auto it = dns.find(key); it != dns.end() && it->second.expires > now) co_return it->second.results;
    }
    tcp::resolver resolver(executor);
    boost::system::error_code ec;
    auto results = co_await resolver.async_resolve(u.host, std::to_string(u.port),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      failure f = make_failure(ec, "cannot resolve host '" + u.host + "'");
      f.kind = error::connection_failed;
      co_return f;
    }
    std::lock_guard lock(mutex);
    dns[key] = {results, now + options.dns_ttl};
    co_return results;
  }

  // Wakes one waiter; called with the mutex held. Prefers a waiter for `key` (an idle connection is ready for it).
  void wake_one(const std::string& key) {
    auto it = std::find_if(waiters.begin(), waiters.end(), [&](const waiter& w) { return w.key == key; });
    if (it == waiters.end()) it = waiters.begin();
    if (it == waiters.end()) return;
    auto timer = it->timer;
    waiters.erase(it);
    asio::post(timer->get_executor(), [timer] { timer->cancel(); });
  }

  // A pooled idle connection (reused = true), or permission to open a new one, waiting while the caps are reached.
  asio::awaitable<result<std::unique_ptr<connection>>> acquire(const url& u, bool& reused) {
    std::string key = pool_key(u);
    for (;;) {
      auto timer = std::make_shared<asio::steady_timer>(executor, asio::steady_timer::time_point::max());
      {
        std::unique_lock lock(mutex);
        auto& pool = pools[key];
        auto now = std::chrono::steady_clock::now();
        while (!pool.idle.empty()) {
          auto conn = std::move(pool.idle.back());
          pool.idle.pop_back();
          if (now - conn->last_used < options.idle_timeout) {
            reused = true;
            co_return std::move(conn);
          }
          --pool.open;  // stale: the server has likely closed it
          --open_total;
        }
        if (open_total < options.max_connections && pool.open < options.max_connections_per_host) {
          ++pool.open;
          ++open_total;
          break;
        }
        // Over the global cap, an idle connection of another host can make room.
        if (open_total >= options.max_connections && pool.open < options.max_connections_per_host) {
          for (auto& [other_key, other] : pools) {
            if (!other.idle.empty()) {
              other.idle.pop_front();
              --other.open;
              ++pool.open;  // open_total unchanged: one closed, one opened
              goto open_new;
            }
          }
        }
        waiters.push_back({key, timer});
      }
      boost::system::error_code ec;
      co_await timer->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  open_new:
    reused = false;
    auto tls_ctx = u.tls() ? tls_context() : result<std::shared_ptr<asio::ssl::context>>(nullptr);
    if (!tls_ctx) {
      release(key, nullptr);
      co_return tls_ctx.error();
    }
    auto endpoints = co_await resolve(u);
    if (!endpoints) {
      release(key, nullptr);
      co_return endpoints.error();
    }
    auto conn = std::make_unique<connection>(executor, *tls_ctx, u.host);
    if (auto r = co_await conn->connect(*endpoints, options); !r) {
      release(key, nullptr);
      co_return r.error();
    }
    co_return std::move(conn);
  }

  // Returns a connection to the pool (or, when conn is null, the slot of one that was closed).
  void release(const std::string& key, std::unique_ptr<connection> conn) {
    std::lock_guard lock(mutex);
    auto& pool = pools[key];
    if (conn) {
      conn->last_used = std::chrono::steady_clock::now();
      pool.idle.push_back(std::move(conn));
    } else {
      --pool.open;
      --open_total;
    }
    wake_one(key);
  }

  asio::awaitable<result<response>> send(const request& req, const body_sink* sink, const head_check* check) {
    std::string key = pool_key(req.address);
    // A reused keep-alive connection may have been closed by the server while idle; if it fails before any
    // response byte, the request never reached the application, so one fresh connection is tried.
    for (int round = 0;; ++round) {
      bool reused = false;
      auto conn = co_await acquire(req.address, reused);
      if (!conn) {
        failure f = conn.error();
        f.attempts = 1;
        if (f.request_id.empty()) f.request_id = client_request_id();
        co_return f;
      }
      exchange_state st;
      auto resp = co_await (*conn)->exchange(req, sink, check, options, st);
      if (resp && st.reusable) {
        ++(*conn)->requests_served;
        release(key, std::move(*conn));
      } else {
        (*conn)->close();
        release(key, nullptr);
      }
      if (!resp && reused && !st.response_started && req.is_idempotent() && round == 0 &&
          (resp.error().kind == error::connection_failed))
        continue;
      if (!resp) {
        failure f = resp.error();
        f.attempts = 1;
        f.request_sent = f.request_sent || st.request_sent;
        if (f.request_id.empty()) f.request_id = client_request_id();
        co_return f;
      }
      co_return resp;
    }
  }
};

client::client(asio::any_io_executor ex, client_options options)
    : impl_(std::make_shared<impl>(std::move(ex), std::move(options))) {}

client::~client() = default;

asio::awaitable<result<response>> client::send(request req) {
  co_return co_await impl_->send(req, nullptr, nullptr);
}

asio::awaitable<result<response>> client::send(request req, body_sink sink, head_check check) {
  co_return co_await impl_->send(req, &sink, &check);
}

const client_options& client::options() const noexcept { return impl_->options; }
asio::any_io_executor client::get_executor() const noexcept { return impl_->executor; }

std::size_t client::open_connections() const noexcept {
  std::lock_guard lock(impl_->mutex);
  return impl_->open_total;
}

asio::awaitable<result<response>> send_with_retry(client& c, request req, retry_policy& policy, failure_mapper map) {
  policy.start();
  for (int attempt = 1;; ++attempt) {
    auto resp = co_await c.send(req);
    failure f;
    if (resp && resp->status / 100 == 2) {
      policy.on_success();
      co_return resp;
    }
    if (resp) {
      f = map(req, *resp);
      f.request_sent = true;
    } else {
      f = resp.error();
    }
    f.attempts = attempt;
    auto delay = policy.next_delay(f, attempt, req.is_idempotent());
    if (!delay) co_return f;
    asio::steady_timer timer(c.get_executor(), *delay);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return failure(error::cancelled, "cancelled while waiting to retry " + req.address.redacted());
  }
}

}  // namespace ferry::http
