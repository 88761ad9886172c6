#include "tests/support/stats.hpp"

#include <boost/json/object.hpp>

namespace ferry::testd {

void stats::request(std::string_view method, std::string_view path) {
  std::lock_guard lock(mutex_);
  ++requests_;
  auto it = by_path_.find(path);
  if (it == by_path_.end()) it = by_path_.emplace(std::string(path), std::map<std::string, std::uint64_t>{}).first;
  ++it->second[std::string(method)];
}

void stats::faults(std::string_view path, const std::vector<std::string>& names, bool count_request) {
  if (names.empty()) return;
  std::lock_guard lock(mutex_);
  if (count_request) ++faults_fired_;
  auto it = faults_by_path_.find(path);
  if (it == faults_by_path_.end())
    it = faults_by_path_.emplace(std::string(path), std::map<std::string, std::uint64_t>{}).first;
  for (auto& n : names) {
    ++by_fault_[n];
    ++it->second[n];
  }
}

void stats::reset() {
  std::lock_guard lock(mutex_);
  requests_ = faults_fired_ = 0;
  by_path_.clear();
  by_fault_.clear();
  faults_by_path_.clear();
  connections_ = 0;
  bytes_sent_ = 0;
  bytes_received_ = 0;
}

boost::json::value stats::to_json() const {
  boost::json::object o;
  std::lock_guard lock(mutex_);
  o["requests"] = requests_;
  o["faults_fired"] = faults_fired_;
  o["connections"] = connections_.load();
  o["bytes_sent"] = bytes_sent_.load();
  o["bytes_received"] = bytes_received_.load();
  auto nested = [](const auto& m) {
    boost::json::object out;
    for (auto& [path, inner] : m) {
      boost::json::object io;
      for (auto& [k, n] : inner) io[k] = n;
      out[path] = std::move(io);
    }
    return out;
  };
  o["by_path"] = nested(by_path_);
  o["faults_by_path"] = nested(faults_by_path_);
  boost::json::object bf;
  for (auto& [k, n] : by_fault_) bf[k] = n;
  o["faults"] = std::move(bf);
  return o;
}

}  // namespace ferry::testd
