// Test helper: runs ferry_testd (FERRY_TESTD_PATH) as a child process for one test or fixture, learns
// its ports from the "listening" line, and kills and reaps it on destruction. Also a tiny blocking
// raw-socket HTTP client for control routes and server self-tests (no chunked decoding: testd never
// sends chunked bodies).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::test {

struct http_reply {
  int status = 0;  // 0 when no status line arrived
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string error;  // set when the connection failed (e.g. "Connection reset by peer") or timed out
  std::string raw;    // every byte received

  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
  std::optional<std::uint64_t> content_length() const;
};

// Sends `request` verbatim to host:port and reads until the server closes (send "Connection: close").
http_reply raw_http(std::uint16_t port, std::string_view request, const std::string& host = "127.0.0.1",
                    int timeout_ms = 30000);

// Builds "METHOD target HTTP/1.1" with Host, Content-Length and Connection: close, then raw_http().
http_reply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        std::string_view body = {});

class testd_process {
 public:
  // args are ferry_testd's arguments, e.g. {"--memory"} or {"--root", dir, "--tls"}. With --tls and no
  // --cert-out, a --cert-out in a private temp directory is added (see cert_path()).
  explicit testd_process(std::vector<std::string> args = {"--memory"});
  ~testd_process();
  testd_process(const testd_process&) = delete;
  testd_process& operator=(const testd_process&) = delete;

  pid_t pid() const { return pid_; }
  std::uint16_t http_port() const { return http_port_; }    // 0 with --no-http
  std::uint16_t https_port() const { return https_port_; }  // 0 without --tls
  std::string http_base() const;   // "http://127.0.0.1:PORT"
  std::string https_base() const;  // "https://127.0.0.1:PORT" (the cert also names localhost)
  const std::string& cert_path() const { return cert_path_; }

  // Control routes over plain HTTP; throw std::runtime_error on an unexpected status.
  void set_faults(std::string_view script_json);  // replaces the fault script
  void add_faults(std::string_view script_json);  // appends rules
  void clear_faults();
  std::string stats();  // GET /_ferry/stats (JSON text)
  void reset_stats();
  http_reply request(std::string_view method, std::string_view target,
                     const std::vector<std::pair<std::string, std::string>>& headers = {},
                     std::string_view body = {}) const;

  // Sends SIGTERM and waits; returns the exit status as from waitpid (for clean-exit tests).
  int terminate();

 private:
  void start(std::vector<std::string> args);
  void cleanup();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::uint16_t http_port_ = 0, https_port_ = 0;
  std::string temp_dir_, cert_path_;
};

}  // namespace ferry::test
