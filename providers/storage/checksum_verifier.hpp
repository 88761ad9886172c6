// Checks a body against the digests a caller declared (put_options::checksums) while it streams through, so the
// local and memory stores refuse corrupt uploads the way the cloud services do.
#pragma once

#include "ferry/checksum.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ferry::storage {

class checksum_verifier {
 public:
  // Duplicate kinds and kind none are invalid_argument (reported by verify()).
  explicit checksum_verifier(std::vector<digest> expected, std::string what);
  void update(std::span<const std::byte> bytes);
  // checksum_mismatch naming the kind, expected and actual values; also returns the computed digests.
  result<std::vector<digest>> verify();

 private:
  std::vector<digest> expected_;
  std::vector<std::unique_ptr<hasher>> hashers_;
  std::string what_;
  std::string setup_error_;
};

}  // namespace ferry::storage
