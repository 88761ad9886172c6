// fetch_token: the one part of the OAuth2 token code that does I/O (kept apart so the parsers build without
// coroutines, e.g. instrumented for fuzzing).
#include "src/auth/oauth2_token.hpp"

namespace ferry::auth {

boost::asio::awaitable<result<expiring_token>> fetch_token(http::client& client, const http::request& req,
                                                           std::string_view source,
                                                           std::function<wall_clock::time_point()> now,
                                                           retry_options retry) {
  retry_policy policy(retry);
  auto resp = co_await http::send_with_retry(client, req, policy, map_oauth2_error);
  if (!resp) {
    failure f = resp.error();
    f.message = std::string(source) + ": " + f.message;
    co_return f;
  }
  if (req.headers.find("metadata-flavor")) {
    // A GCE metadata server echoes the header; anything else on that address is not the metadata server.
    auto flavor = resp->headers.find("metadata-flavor");
    if (!flavor || *flavor != "Google")
      co_return failure(error::protocol_error, std::string(source) + ": response lacks Metadata-Flavor: Google");
  }
  co_return parse_token_response(resp->body, now ? now() : wall_clock::now(), source);
}

}  // namespace ferry::auth
