// The client's OpenSSL context: peer verification on by default, CA bundle from the option or the environment.
#pragma once

#include "ferry/http.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>

namespace ferry::http {

// CA file precedence: options.ca_file, AWS_CA_BUNDLE, SSL_CERT_FILE, then OpenSSL's default paths.
result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const client_options& options);

}  // namespace ferry::http
