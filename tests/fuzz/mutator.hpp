// A small deterministic mutator for robustness tests that run in every CI build (under ASan in the sanitizer
// build): start from valid seeds, apply byte flips, insertions, deletions, duplications and splices, and feed the
// parser. Coverage-guided fuzzing of the same entry points is in fuzz_targets.cpp (clang, -DFERRY_FUZZ=ON).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ferry::fuzz {

class mutator {
 public:
  explicit mutator(std::vector<std::string> seeds, std::uint64_t rng_seed = 1) : seeds_(std::move(seeds)), rng_(rng_seed) {}

  std::string next() {
    std::string s = seeds_[pick(seeds_.size())];
    int rounds = 1 + static_cast<int>(pick(4));
    for (int i = 0; i < rounds; ++i) mutate(s);
    return s;
  }

 private:
  std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_); }

  void mutate(std::string& s) {
    static const char* interesting[] = {"\0", "\xff", "%", "%0", "%zz", "/", "..", "-", "*", "=", ":", "\r\n", "<", ">",
                                        "&", "\"", "{", "}", "[", "]", "99999999999999999999", "-1", " ", "\t"};
    switch (pick(7)) {
      case 0:
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
        break;
      case 1:
        s.insert(pick(s.size() + 1), 1, static_cast<char>(pick(256)));
        break;
      case 2:
        if (!s.empty()) s.erase(pick(s.size()), 1 + pick(std::min<std::size_t>(s.size(), 8)));
        break;
      case 3: {
        const char* token = interesting[pick(std::size(interesting))];
        s.insert(pick(s.size() + 1), token, token[0] == '\0' ? 1 : std::char_traits<char>::length(token));
        break;
      }
      case 4:
        if (!s.empty() && s.size() < 4096) {
          auto at = pick(s.size());
          s.insert(pick(s.size() + 1), s.substr(at, 1 + pick(16)));
        }
        break;
      case 5: {
        const std::string& other = seeds_[pick(seeds_.size())];
        s = s.substr(0, pick(s.size() + 1)) + other.substr(pick(other.size() + 1));
        break;
      }
      default:
        s.resize(pick(s.size() + 1));
    }
  }

  std::vector<std::string> seeds_;
  std::mt19937_64 rng_;
};

}  // namespace ferry::fuzz
