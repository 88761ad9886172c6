#include "src/http/tls_context.hpp"

#include <cstdlib>

namespace ferry::http {

result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const client_options& options) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (!options.verify_peer) {
    ctx->set_verify_mode(ssl::verify_none);
    return ctx;
  }
  ctx->set_verify_mode(ssl::verify_peer);
  std::string ca = options.ca_file;
  const char* source = "the --ca-bundle option";
  if (ca.empty()) {
    if (const char* v = std::getenv("AWS_CA_BUNDLE"); v && *v) {
      ca = v;
      source = "AWS_CA_BUNDLE";
    } else if (const char* w = std::getenv("SSL_CERT_FILE"); w && *w) {
      ca = w;
      source = "SSL_CERT_FILE";
    }
  }
  boost::system::error_code ec;
  if (ca.empty()) {
    ctx->set_default_verify_paths(ec);
    if (ec) return make_failure(ec, "loading the system CA certificates");
  } else {
    ctx->load_verify_file(ca, ec);
    if (ec) return failure(error::tls_error, "cannot load CA bundle '" + ca + "' (from " + source + ")", ec);
  }
  return ctx;
}

}  // namespace ferry::http
