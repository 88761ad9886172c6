#include "signing/azure_blob_url.hpp"

#include "signing/azure_account_key.hpp"
#include "signing/encoding.hpp"

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "azure blob url: " + std::move(msg)); }

bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == ':' || c == '[' || c == ']';
}

}  // namespace

result<azure_blob_target> azure_blob_target_for(const azure_blob_address& a) {
  if (!azure_is_account_name(a.account)) return invalid("account name must be 3-24 lowercase letters or digits");
  if (!a.container.empty() && !azure_is_container_name(a.container)) return invalid("invalid container name");
  if (!a.blob.empty() && a.container.empty()) return invalid("a blob needs a container");
  if (!a.blob.empty() && !azure_is_blob_name(a.blob)) return invalid("blob name must be 1-1024 bytes without control characters");

  azure_blob_target t;
  std::string scheme, base_path;
  if (a.endpoint.empty()) {
    if (a.scheme != "https" && a.scheme != "http") return invalid("scheme must be http or https");
    for (char c : a.endpoint_suffix)
      if (!host_char(c) || c == ':') return invalid("invalid endpoint suffix");
    if (a.endpoint_suffix.empty()) return invalid("empty endpoint suffix");
    scheme = a.scheme;
    t.host = a.account + ".blob." + a.endpoint_suffix;
  } else {
    std::string_view e = a.endpoint;
    auto p = e.find("://");
    if (p == std::string_view::npos) return invalid("endpoint must start with http:// or https://");
    scheme = std::string(e.substr(0, p));
    if (scheme != "https" && scheme != "http") return invalid("endpoint must start with http:// or https://");
    e.remove_prefix(p + 3);
    auto slash = e.find('/');
    std::string_view host = e.substr(0, slash);
    if (host.empty()) return invalid("endpoint has no host");
    for (char c : host)
      if (!host_char(c)) return invalid("endpoint host has invalid characters");
    t.host = std::string(host);
    if (slash != std::string_view::npos) {
      std::string_view bp = e.substr(slash);
      while (!bp.empty() && bp.back() == '/') bp.remove_suffix(1);
      if (bp.find_first_of("?# \r\n\t") != std::string_view::npos) return invalid("endpoint path must not hold a query");
      base_path = std::string(bp);
    }
  }
  t.path = base_path;
  if (!a.container.empty()) {
    t.path += '/';
    t.path += a.container;
    if (!a.blob.empty()) {
      t.path += '/';
      t.path += uri_encode(a.blob, /*keep_slash=*/true);
    }
  }
  if (t.path.empty()) t.path = "/";
  t.url = scheme + "://" + t.host + t.path;
  return t;
}

}  // namespace ferry::signing
