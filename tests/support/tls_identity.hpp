// A fresh self-signed certificate made at start-up, so HTTPS tests run with verification on:
// EC P-256, SAN DNS:localhost + IP:127.0.0.1 + IP:::1 (+ --host), CA:TRUE so clients can load it as a CA file.
#pragma once

#include <string>

namespace ferry::testd {

struct tls_identity {
  std::string cert_pem;
  std::string key_pem;
};

// Throws std::runtime_error with the OpenSSL reason on failure.
tls_identity make_self_signed_identity(const std::string& extra_host);

}  // namespace ferry::testd
