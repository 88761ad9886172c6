#include "ferry/http.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>

namespace ferry::http {

result<url> url::parse(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return failure(error::invalid_argument, "malformed URL '" + std::string(text.substr(0, 200)) + "'");
  const boost::urls::url_view& u = *parsed;
  url out;
  out.scheme = std::string(u.scheme());
  for (auto& c : out.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (out.scheme != "http" && out.scheme != "https")
    return failure(error::unsupported, "unsupported URL scheme '" + out.scheme + "' (expected http or https)");
  if (!u.has_authority() || u.encoded_host().empty())
    return failure(error::invalid_argument, "URL has no host: '" + std::string(text.substr(0, 200)) + "'");
  if (u.has_userinfo())
    return failure(error::invalid_argument, "credentials in the URL are not supported; use the credential chain");
  out.host = u.host_type() == boost::urls::host_type::ipv6 ? std::string(u.encoded_host_address())
                                                            : std::string(u.encoded_host());
  if (u.has_port()) {
    auto p = u.port();
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || ptr != p.data() + p.size() || value == 0 || value > 65535)
      return failure(error::invalid_argument, "invalid port '" + std::string(p) + "' in URL");
    out.port = static_cast<std::uint16_t>(value);
  } else {
    out.port = out.scheme == "https" ? 443 : 80;
  }
  out.target = std::string(u.encoded_path());
  // Boost.URL 1.81 reads "host:12ab/" as port 12 and path "ab/": a path after an authority must start with '/'.
  if (!out.target.empty() && out.target.front() != '/')
    return failure(error::invalid_argument, "malformed host or port in URL '" + std::string(text.substr(0, 200)) + "'");
  if (out.target.empty()) out.target = "/";
  if (u.has_query()) {
    out.target += '?';
    out.target += std::string(u.encoded_query());
  }
  return out;
}

std::string url::host_header() const {
  std::string h;
  if (host.find(':') != std::string::npos) {  // IPv6 literal
    h.reserve(host.size() + 8);
    h.push_back('[');
    h.append(host);
    h.push_back(']');
  } else {
    h = host;
  }
  bool default_port = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  if (!default_port) {
    h.push_back(':');
    h.append(std::to_string(port));
  }
  return h;
}

std::string url::redacted() const {
  auto q = target.find('?');
  return scheme + "://" + host_header() + target.substr(0, q) + (q == std::string::npos ? "" : "?…");
}

}  // namespace ferry::http
