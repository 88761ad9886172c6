#include "tests/integration/testd_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace ferry::test {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::uint16_t port_after(const std::string& line, std::string_view key) {
  auto p = line.find(key);
  if (p == std::string::npos) return 0;
  auto colon = line.find(':', p + key.size());
  auto end = line.find(' ', p);
  if (colon == std::string::npos || (end != std::string::npos && colon > end)) return 0;
  return static_cast<std::uint16_t>(std::stoul(line.substr(colon + 1, end == std::string::npos ? end : end - colon - 1)));
}

void parse_reply(http_reply& r) {
  auto head_end = r.raw.find("\r\n\r\n");
  // Skip interim 1xx responses (100 Continue).
  std::size_t start = 0;
  while (head_end != std::string::npos && r.raw.compare(start, 10, "HTTP/1.1 1") == 0) {
    start = head_end + 4;
    head_end = r.raw.find("\r\n\r\n", start);
  }
  if (head_end == std::string::npos || r.raw.compare(start, 5, "HTTP/") != 0) return;
  std::string_view head(r.raw.data() + start, head_end - start);
  auto eol = head.find("\r\n");
  std::string_view status_line = head.substr(0, eol);
  auto sp = status_line.find(' ');
  if (sp == std::string_view::npos) return;
  r.status = std::atoi(std::string(status_line.substr(sp + 1, 3)).c_str());
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view v = line.substr(colon + 1);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    r.headers.emplace_back(std::string(line.substr(0, colon)), std::string(v));
  }
  r.body = r.raw.substr(head_end + 4);
}

}  // namespace

std::optional<std::string> http_reply::header(std::string_view name) const {
  for (auto& [k, v] : headers)
    if (iequal(k, name)) return v;
  return std::nullopt;
}

std::optional<std::uint64_t> http_reply::content_length() const {
  auto v = header("Content-Length");
  if (!v) return std::nullopt;
  return std::stoull(*v);
}

http_reply raw_http(std::uint16_t port, std::string_view request, const std::string& host, int timeout_ms) {
  http_reply r;
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    r.error = std::strerror(errno);
    ::close(fd);
    return r;
  }
  for (std::size_t sent = 0; sent < request.size();) {
    ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      r.error = std::strerror(errno);  // keep reading: the server may have answered early
      break;
    }
    sent += static_cast<std::size_t>(n);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  char buf[65536];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, static_cast<int>(std::max<long>(0, left.count())));
    if (pr == 0) {
      r.error = "timeout";
      break;
    }
    if (pr < 0 && errno == EINTR) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      r.error = std::strerror(errno);
      break;
    }
    if (n == 0) break;
    r.raw.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  parse_reply(r);
  return r;
}

http_reply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                        const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  std::string req = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                    std::to_string(port) + "\r\nConnection: close\r\n";
  bool has_length = false;
  for (auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    has_length = has_length || iequal(k, "Content-Length") || iequal(k, "Transfer-Encoding");
  }
  if (!has_length && (!body.empty() || method == "PUT" || method == "POST"))
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  req += "\r\n";
  req.append(body);
  return raw_http(port, req);
}

testd_process::testd_process(std::vector<std::string> args) {
  try {
    start(std::move(args));
  } catch (...) {
    cleanup();  // the destructor does not run for a constructor that throws
    throw;
  }
}

void testd_process::start(std::vector<std::string> args) {
  bool tls = false, has_cert = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    tls = tls || args[i] == "--tls" || args[i] == "--tls-port";
    if (args[i] == "--cert-out" && i + 1 < args.size()) {
      has_cert = true;
      cert_path_ = args[i + 1];
    }
  }
  if (tls && !has_cert) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ferry-testd-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    temp_dir_ = tmpl;
    cert_path_ = temp_dir_ + "/ca.pem";
    args.push_back("--cert-out");
    args.push_back(cert_path_);
  }

  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
  std::vector<std::string> argv_s;
  argv_s.push_back(FERRY_TESTD_PATH);
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  // If this test process dies without running our destructor (a sanitizer abort, a crash), the server follows it
  // instead of holding CTest's output pipe open forever.
  argv_s.push_back("--parent-pid");
  argv_s.push_back(std::to_string(::getpid()));
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, FERRY_TESTD_PATH, &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  stdout_fd_ = pipefd[0];
  if (rc != 0) {
    pid_ = -1;
    throw std::runtime_error(std::string("cannot spawn " FERRY_TESTD_PATH ": ") + std::strerror(rc));
  }

  std::string out;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (out.find('\n') == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd p{stdout_fd_, POLLIN, 0};
    int pr = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (pr < 0 && errno == EINTR) continue;
    char buf[512];
    ssize_t n = pr > 0 ? ::read(stdout_fd_, buf, sizeof buf) : 0;
    if (n <= 0) throw std::runtime_error("ferry_testd did not start (no listening line): " + out);
    out.append(buf, static_cast<std::size_t>(n));
  }
  std::string line = out.substr(0, out.find('\n'));
  if (line.rfind("ferry_testd listening", 0) != 0) throw std::runtime_error("unexpected ferry_testd output: " + line);
  http_port_ = port_after(line, "http=");
  https_port_ = port_after(line, "https=");
}

testd_process::~testd_process() { cleanup(); }

void testd_process::cleanup() {
  terminate();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
  if (!temp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(temp_dir_, ec);
    temp_dir_.clear();
  }
}

int testd_process::terminate() {
  if (pid_ <= 0) return 0;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 500; ++i) {  // up to 5 s, then SIGKILL
    pid_t w = ::waitpid(pid_, &status, WNOHANG);
    if (w == pid_ || (w < 0 && errno != EINTR)) {
      pid_ = -1;
      return status;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

std::string testd_process::http_base() const { return "http://127.0.0.1:" + std::to_string(http_port_); }
std::string testd_process::https_base() const { return "https://127.0.0.1:" + std::to_string(https_port_); }

http_reply testd_process::request(std::string_view method, std::string_view target,
                                  const std::vector<std::pair<std::string, std::string>>& headers,
                                  std::string_view body) const {
  if (http_port_ == 0) throw std::runtime_error("ferry_testd has no plain HTTP port");
  return http_request(http_port_, method, target, headers, body);
}

void testd_process::set_faults(std::string_view script_json) {
  auto r = request("POST", "/_ferry/faults", {{"Content-Type", "application/json"}}, script_json);
  if (r.status != 200) throw std::runtime_error("set_faults: " + std::to_string(r.status) + " " + r.body + r.error);
}

void testd_process::add_faults(std::string_view script_json) {
  auto r = request("POST", "/_ferry/faults?append=1", {{"Content-Type", "application/json"}}, script_json);
  if (r.status != 200) throw std::runtime_error("add_faults: " + std::to_string(r.status) + " " + r.body + r.error);
}

void testd_process::clear_faults() {
  auto r = request("DELETE", "/_ferry/faults");
  if (r.status != 204) throw std::runtime_error("clear_faults: " + std::to_string(r.status) + r.error);
}

std::string testd_process::stats() {
  auto r = request("GET", "/_ferry/stats");
  if (r.status != 200) throw std::runtime_error("stats: " + std::to_string(r.status) + r.error);
  return r.body;
}

void testd_process::reset_stats() {
  auto r = request("DELETE", "/_ferry/stats");
  if (r.status != 204) throw std::runtime_error("reset_stats: " + std::to_string(r.status) + r.error);
}

}  // namespace ferry::test
