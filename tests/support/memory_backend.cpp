// --memory: objects live in a map of immutable snapshots; a reader keeps its snapshot alive, so
// replaces and deletes never change bytes under a running download.
#include "tests/support/object_backend.hpp"

#include <xxhash.h>

#include <cstdio>
#include <cstring>
#include <mutex>

namespace ferry::testd {
namespace {

struct stored {
  object_info info;
  std::string data;
};

std::string content_etag(const std::string& data) {
  char b[24];
  std::snprintf(b, sizeof b, "\"%016llx\"", static_cast<unsigned long long>(XXH3_64bits(data.data(), data.size())));
  return b;
}

class memory_reader final : public object_reader {
 public:
  explicit memory_reader(std::shared_ptr<const stored> s) : s_(std::move(s)) {}
  const object_info& info() const override { return s_->info; }
  std::size_t read(std::uint64_t offset, std::span<char> out) override {
    if (offset >= s_->data.size()) return 0;
    std::size_t n = std::min<std::uint64_t>(out.size(), s_->data.size() - offset);
    std::memcpy(out.data(), s_->data.data() + offset, n);
    return n;
  }

 private:
  std::shared_ptr<const stored> s_;
};

class memory_backend;

class memory_writer final : public object_writer {
 public:
  memory_writer(memory_backend& owner, std::string key, std::string content_type,
                std::map<std::string, std::string> metadata)
      : owner_(owner), key_(std::move(key)) {
    pending_.info.content_type = content_type.empty() ? "application/octet-stream" : std::move(content_type);
    pending_.info.metadata = std::move(metadata);
  }
  void write(std::span<const char> data) override { pending_.data.append(data.data(), data.size()); }
  std::optional<object_info> commit(const precondition& check) override;

 private:
  memory_backend& owner_;
  std::string key_;
  stored pending_;
};

class memory_backend final : public object_backend {
 public:
  std::shared_ptr<object_reader> open(std::string_view key) override {
    check_key(key);
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return nullptr;
    return std::make_shared<memory_reader>(it->second);
  }

  std::optional<object_info> stat(std::string_view key) override {
    check_key(key);
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return std::nullopt;
    return it->second->info;
  }

  std::unique_ptr<object_writer> create(std::string_view key, std::string content_type,
                                        std::map<std::string, std::string> metadata) override {
    check_key(key);
    return std::make_unique<memory_writer>(*this, std::string(key), std::move(content_type), std::move(metadata));
  }

  bool remove(std::string_view key) override {
    check_key(key);
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return false;
    objects_.erase(it);
    return true;
  }

  std::vector<std::pair<std::string, object_info>> list(std::string_view prefix) override {
    std::vector<std::pair<std::string, object_info>> out;
    std::lock_guard lock(mutex_);
    for (auto it = objects_.lower_bound(prefix); it != objects_.end() && it->first.starts_with(prefix); ++it)
      out.emplace_back(it->first, it->second->info);
    return out;
  }

  bool replace_content(std::string_view key) override {
    check_key(key);
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    if (it == objects_.end()) return false;
    auto next = std::make_shared<stored>(*it->second);
    for (char& c : next->data) c = static_cast<char>(c + 0x5B);  // new bytes, same size
    stamp(*next);
    it->second = std::move(next);
    return true;
  }

  std::optional<object_info> commit(const std::string& key, stored&& s, const object_writer::precondition& check) {
    auto next = std::make_shared<stored>(std::move(s));
    std::lock_guard lock(mutex_);
    auto it = objects_.find(key);
    std::optional<object_info> current;
    if (it != objects_.end()) current = it->second->info;
    if (!check(current)) return std::nullopt;
    stamp(*next);
    objects_.insert_or_assign(key, next);
    return next->info;
  }

 private:
  static void stamp(stored& s) {
    s.info.size = s.data.size();
    s.info.etag = content_etag(s.data);
    s.info.mtime = std::chrono::system_clock::now();
  }

  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const stored>, std::less<>> objects_;
};

std::optional<object_info> memory_writer::commit(const precondition& check) {
  return owner_.commit(key_, std::move(pending_), check);
}

}  // namespace

std::unique_ptr<object_backend> make_memory_backend() { return std::make_unique<memory_backend>(); }

}  // namespace ferry::testd
