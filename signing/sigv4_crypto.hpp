// The two primitives on SigV4's hot path, without OpenSSL's per-call algorithm lookup: SHA-256 hex
// of the canonical request and HMAC-SHA256 with the (cached) signing key. Per-thread contexts, so
// they are safe to call from any thread. Results are identical to digest.hpp's.
#pragma once

#include "signing/digest.hpp"

#include <string>
#include <string_view>

namespace ferry::signing::detail {

std::string fast_sha256_hex(std::string_view data);
sha256_digest fast_hmac_sha256(std::string_view key, std::string_view data);

}  // namespace ferry::signing::detail
