// Parallel ranged download of an http(s) URL into a staged file.
//
// The first GET asks for the first part's range: its answer tells the size (Content-Range), the version (ETag)
// and brings the first bytes, so no HEAD is needed (a presigned GET URL would refuse one). The other parts are
// fetched by `concurrency` workers, each range pinned with If-Match so that bytes of two versions never mix. A
// part that fails mid-way resumes from the byte it reached, under the shared retry policy.
#include "ferry/transfer.hpp"

#include "ferry/byte_range.hpp"

#include "transfer/file_digest.hpp"
#include "transfer/ordered_hasher.hpp"
#include "transfer/staged_file.hpp"
#include "transfer/task_group.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <mutex>

namespace ferry {
namespace asio = boost::asio;
using transfer::staged_file;
using transfer::task_group;

namespace {

// A Content-Range the engine can act on: a known total, and first/last bytes when satisfied.
struct answered_range {
  std::uint64_t first = 0, last = 0, total = 0;
  bool unsatisfied = false;
};

std::optional<answered_range> read_content_range(const http::response& r) {
  auto text = r.headers.find("content-range");
  if (!text) return std::nullopt;
  auto cr = parse_content_range_header(*text);
  if (!cr || !cr->total_known) return std::nullopt;
  if (cr->unsatisfied) return answered_range{0, 0, cr->total, true};
  if (cr->range.length == 0) return std::nullopt;
  return answered_range{cr->range.offset, cr->range.end() - 1, cr->total, false};
}

// A strong ETag can pin a version with If-Match; a weak one (W/"...") cannot.
bool strong_etag(std::string_view etag) { return !etag.empty() && !etag.starts_with("W/"); }

struct download {
  download(http::client& c, http::url src, staged_file& f, const transfer_options& o)
      : client(c), source(std::move(src)), file(f), options(o) {}
  http::client& client;
  http::url source;
  staged_file& file;
  const transfer_options& options;
  std::shared_ptr<retry_budget> budget = std::make_shared<retry_budget>();

  // Learned from the first response.
  std::uint64_t size = 0;
  std::string etag;
  std::optional<transfer::declared_digest> declared;
  bool whole_body = false;  // the server ignored Range and sent everything in answer to the first request

  std::atomic<std::uint64_t> bytes_done{0};
  std::atomic<unsigned> retries{0};
  std::atomic<bool> stopping{false};
  std::mutex failure_mutex;
  std::optional<failure> first_failure;

  void fail(failure f) {
    std::lock_guard lock(failure_mutex);
    if (!first_failure) first_failure = std::move(f);
    stopping = true;
  }

  http::request range_request(std::uint64_t first, std::uint64_t last) const {
    http::request req;
    req.method = "GET";
    req.address = source;
    req.headers.set("Range", "bytes=" + std::to_string(first) + "-" + std::to_string(last));
    if (strong_etag(etag)) req.headers.set("If-Match", etag);
    return req;
  }

  // Fetches [first, last] into the file, resuming after partial responses. For the first part (discover == true)
  // the head check learns size and ETag instead of checking them.
  asio::awaitable<result<void>> fetch(std::uint64_t first, std::uint64_t last, bool discover) {
    retry_policy policy(options.retry, budget);
    policy.start();
    std::uint64_t next = first;  // next byte we still need
    for (int attempt = 1;; ++attempt) {
      if (stopping) co_return failure(error::cancelled, "stopped because another part failed");
      auto req = range_request(next, last);
      std::uint64_t expected_first = next;
      bool whole_body = false;  // the server ignored Range (only acceptable for the first request)
      http::head_check check = [&](const http::response& head) -> result<void> {
        if (discover && head.status == 200) {
          whole_body = true;
          auto len = head.content_length();
          size = len.value_or(0);
          if (auto e = head.headers.find("etag")) etag = std::string(*e);
          declared = transfer::find_declared_digest(head);
          return {};
        }
        if (head.status != 206)
          return failure(error::protocol_error, "expected 206 Partial Content for a ranged GET, got " +
                                                    std::to_string(head.status));
        auto cr_text = head.headers.find("content-range");
        auto cr = read_content_range(head);
        auto wrong_range = [&] {
          return failure(error::protocol_error, "server answered a ranged GET with a wrong Content-Range '" +
                                                    std::string(cr_text.value_or("(none)")) + "'");
        };
        if (!cr || cr->unsatisfied || cr->first != expected_first) return wrong_range();
        if (discover && expected_first == first) {
          size = cr->total;
          last = std::min(last, size - 1);  // the object may be shorter than the first part
          if (auto e = head.headers.find("etag")) etag = std::string(*e);
          declared = transfer::find_declared_digest(head);
          if (auto r = file.preallocate(size); !r) return r.error();
        } else if (cr->total != size) {
          return failure(error::precondition_failed, "object size changed from " + std::to_string(size) + " to " +
                                                         std::to_string(cr->total) + " during the download");
        } else if (auto e = head.headers.find("etag"); e && !etag.empty() && *e != etag) {
          return failure(error::precondition_failed, "object changed during the download (ETag " + etag +
                                                         " became " + std::string(*e) + ")");
        }
        if (cr->last != last) return wrong_range();
        return {};
      };
      http::body_sink sink = [&](std::span<const std::byte> bytes) -> result<void> {
        if (stopping) return failure(error::cancelled, "stopped because another part failed");
        if (!whole_body && next + bytes.size() > last + 1)
          return failure(error::protocol_error, "server sent more bytes than the requested range");
        if (auto r = file.write_at(next, bytes); !r) return r;
        next += bytes.size();
        bytes_done.fetch_add(bytes.size(), std::memory_order_relaxed);
        return {};
      };

      auto resp = co_await client.send(req, std::move(sink), std::move(check));
      failure f;
      if (resp && resp->status == 416 && discover && next == first) {
        // An empty object has no byte 0 to ask for.
        auto cr = read_content_range(*resp);
        if (cr && cr->unsatisfied && cr->total == 0) {
          size = 0;
          if (auto e = resp->headers.find("etag")) etag = std::string(*e);
          co_return result<void>{};
        }
        f = http::status_failure(req, *resp);
      } else if (resp && resp->status / 100 == 2) {
        if (whole_body) {
          if (next - first != size && resp->content_length()) {
            f = failure(error::protocol_error, "body shorter than Content-Length");
          } else {
            size = next - first;
            this->whole_body = true;
            policy.on_success();
            co_return result<void>{};
          }
        } else if (next == last + 1) {
          policy.on_success();
          co_return result<void>{};
        } else {
          f = failure(error::protocol_error, "range response ended early");
        }
      } else if (resp) {
        f = http::status_failure(req, *resp);
        if (resp->status == 412)
          f.message = "object changed during the download (If-Match " + etag + " failed): " + f.message;
      } else {
        f = resp.error();
      }
      if (stopping) co_return f;
      f.attempts = attempt;
      if (whole_body) next = first;  // a 200 body cannot be resumed by range
      // Progress made on this attempt does not count against the part: a server that resets every N bytes
      // still lets the download finish.
      auto delay = policy.next_delay(f, attempt, true);
      if (!delay) co_return f;
      retries.fetch_add(1, std::memory_order_relaxed);
      asio::steady_timer timer(co_await asio::this_coro::executor, *delay);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }
};

// Reports progress a few times a second until told to stop.
asio::awaitable<void> report_progress(download& d, std::shared_ptr<std::atomic<bool>> done) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (!*done) {
    timer.expires_after(std::chrono::milliseconds(200));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    d.options.on_progress({d.bytes_done.load(std::memory_order_relaxed), d.size});
  }
}

}  // namespace

asio::awaitable<result<transfer_report>> download_http(http::client& client, const http::url& source,
                                                       const std::string& destination,
                                                       const transfer_options& options) {
  auto started = std::chrono::steady_clock::now();
  if (options.part_size == 0) co_return failure(error::invalid_argument, "part size must be positive");
  if (options.concurrency == 0) co_return failure(error::invalid_argument, "concurrency must be positive");
  auto staged = staged_file::create(destination);
  if (!staged) co_return staged.error();
  download d{client, source, *staged, options};
  auto ex = co_await asio::this_coro::executor;

  auto progress_done = std::make_shared<std::atomic<bool>>(false);
  task_group progress(ex);
  if (options.on_progress) progress.spawn([&]() { return report_progress(d, progress_done); });
  auto finish_progress = [&]() -> asio::awaitable<void> {
    *progress_done = true;
    co_await progress.wait();
  };

  if (auto r = co_await d.fetch(0, options.part_size - 1, true); !r) {
    co_await finish_progress();
    co_return r.error();
  }
  std::uint64_t part_size = d.whole_body ? std::max<std::uint64_t>(d.size, 1) : options.part_size;
  std::uint64_t parts = d.size == 0 ? 1 : (d.size + part_size - 1) / part_size;
  std::optional<transfer::ordered_hasher> hasher;
  if (options.compute_xxh3 || (options.verify && d.declared)) {
    hasher.emplace(staged->fd(), d.size, part_size, options.compute_xxh3,
                   options.verify ? d.declared : std::nullopt);
    hasher->part_done(0);
  }
  std::atomic<std::uint64_t> next_part{1};
  task_group workers(ex);
  unsigned n_workers = static_cast<unsigned>(std::min<std::uint64_t>(options.concurrency, parts - 1));
  for (unsigned w = 0; w < n_workers; ++w) {
    workers.spawn([&]() -> asio::awaitable<void> {
      for (;;) {
        std::uint64_t p = next_part.fetch_add(1);
        if (p >= parts || d.stopping) co_return;
        std::uint64_t first = p * part_size;
        std::uint64_t last = std::min(d.size, first + part_size) - 1;
        if (auto r = co_await d.fetch(first, last, false); !r) {
          d.fail(r.error());
          co_return;
        }
        if (hasher) hasher->part_done(p);
      }
    });
  }
  co_await workers.wait();
  co_await finish_progress();
  if (d.first_failure) co_return *d.first_failure;

  transfer_report report;
  transfer::file_digests sums;
  if (hasher) {
    auto digests = hasher->finish();
    if (!digests) co_return digests.error();
    sums = std::move(*digests);
  }
  if (options.verify && d.declared) {
    if (sums.declared_actual != d.declared->raw)
      co_return failure(error::checksum_mismatch, "downloaded bytes do not match the " + d.declared->source +
                                                      " the server declared for " + source.redacted());
    report.verified_against = d.declared->source;
  }
  if (auto r = staged->commit(); !r) co_return r.error();
  report.source = source.redacted();
  report.destination = destination;
  report.bytes = d.size;
  report.parts = static_cast<unsigned>(parts);
  report.retries = d.retries.load();
  if (options.compute_xxh3) report.xxh3 = sums.xxh3_hex;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  co_return report;
}

}  // namespace ferry
