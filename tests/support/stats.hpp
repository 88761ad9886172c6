// Counters behind GET /_ferry/stats, so tests can assert that a request arrived and a fault fired.
#pragma once

#include <boost/json/value.hpp>

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::testd {

class stats {
 public:
  void request(std::string_view method, std::string_view path);
  // count_request: also bump faults_fired (false when the request was already counted).
  void faults(std::string_view path, const std::vector<std::string>& names, bool count_request = true);
  void connection() { connections_.fetch_add(1, std::memory_order_relaxed); }
  void sent(std::uint64_t n) { bytes_sent_.fetch_add(n, std::memory_order_relaxed); }
  void received(std::uint64_t n) { bytes_received_.fetch_add(n, std::memory_order_relaxed); }
  void reset();
  boost::json::value to_json() const;

 private:
  mutable std::mutex mutex_;
  std::uint64_t requests_ = 0, faults_fired_ = 0;
  std::map<std::string, std::map<std::string, std::uint64_t>, std::less<>> by_path_;  // path -> method -> n
  std::map<std::string, std::uint64_t, std::less<>> by_fault_;
  std::map<std::string, std::map<std::string, std::uint64_t>, std::less<>> faults_by_path_;
  std::atomic<std::uint64_t> connections_{0}, bytes_sent_{0}, bytes_received_{0};
};

}  // namespace ferry::testd
