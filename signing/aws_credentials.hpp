// AWS access keys as the signers take them. Where they come from is src/auth's business.
#pragma once

#include <string>

namespace ferry::signing {

struct aws_credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys

  bool empty() const noexcept { return access_key_id.empty() || secret_access_key.empty(); }
};

}  // namespace ferry::signing
