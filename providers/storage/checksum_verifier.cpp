#include "providers/storage/checksum_verifier.hpp"

namespace ferry::storage {

checksum_verifier::checksum_verifier(std::vector<digest> expected, std::string what)
    : expected_(std::move(expected)), what_(std::move(what)) {
  for (std::size_t i = 0; i < expected_.size(); ++i) {
    const auto& d = expected_[i];
    if (d.kind == checksum_kind::none || d.size != digest_size(d.kind)) {
      setup_error_ = "malformed expected checksum";
      break;
    }
    for (std::size_t j = 0; j < i; ++j)
      if (expected_[j].kind == d.kind) setup_error_ = "checksum " + std::string(to_string(d.kind)) + " given twice";
    hashers_.push_back(make_hasher(d.kind));
  }
  if (!setup_error_.empty()) hashers_.clear();
}

void checksum_verifier::update(std::span<const std::byte> bytes) {
  for (auto& h : hashers_) h->update(bytes);
}

result<std::vector<digest>> checksum_verifier::verify() {
  if (!setup_error_.empty()) return failure(error::invalid_argument, setup_error_ + " for " + what_);
  std::vector<digest> actual;
  for (std::size_t i = 0; i < hashers_.size(); ++i) {
    digest got = hashers_[i]->finish();
    if (!(got == expected_[i]))
      return failure(error::checksum_mismatch, std::string(to_string(got.kind)) + " of " + what_ + " is " +
                                                   got.base64() + ", expected " + expected_[i].base64());
    actual.push_back(got);
  }
  return actual;
}

}  // namespace ferry::storage
