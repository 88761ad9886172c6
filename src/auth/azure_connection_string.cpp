#include "src/auth/azure_connection_string.hpp"

#include "signing/encoding.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace ferry::auth {
namespace {

failure invalid(std::string msg) {
  return failure(error::invalid_argument, "azure connection string: " + std::move(msg));
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool host_ok(std::string_view h) {
  if (h.empty() || h.size() > 253) return false;
  return std::all_of(h.begin(), h.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == ':' || c == '[' || c == ']';
  });
}

// "http(s)://host[:port][/path]" without query; returns it without trailing '/'.
result<std::string> check_endpoint(std::string_view v, std::string_view key) {
  std::string lower = to_lower(v.substr(0, 8));
  std::size_t skip = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
  if (skip == 0) return invalid(std::string(key) + " must start with http:// or https://");
  std::string_view rest = v.substr(skip);
  std::string_view host = rest.substr(0, rest.find('/'));
  if (!host_ok(host)) return invalid(std::string(key) + " has an invalid host");
  if (v.find_first_of("?# ") != std::string_view::npos) return invalid(std::string(key) + " must be a plain URL");
  while (!v.empty() && v.back() == '/') v.remove_suffix(1);
  // Schemes are case-insensitive ("HTTPS://"); the rest of ferry expects them lowercase.
  return to_lower(v.substr(0, skip)) + std::string(v.substr(skip));
}

constexpr std::array<std::string_view, 8> known_keys = {
    "accountname",    "accountkey",           "defaultendpointsprotocol", "endpointsuffix",
    "blobendpoint",   "sharedaccesssignature", "usedevelopmentstorage",   "developmentstorageproxyuri"};

}  // namespace

result<azure_connection_string> parse_azure_connection_string(std::string_view text) {
  if (text.size() > max_connection_string_size) return invalid("longer than 64 KiB");
  for (unsigned char c : text)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return invalid("contains control characters");
  if (trim(text).empty()) return invalid("empty");

  std::map<std::string, std::string> kv;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find(';', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view seg = trim(text.substr(pos, end - pos));
    pos = end + 1;
    if (seg.empty()) continue;
    std::size_t eq = seg.find('=');
    if (eq == std::string_view::npos) return invalid("a segment has no '=' (expected Key=Value)");
    std::string key = to_lower(trim(seg.substr(0, eq)));
    if (key.empty()) return invalid("a segment has an empty key");
    // The value keeps every '=' after the first: base64 padding and SAS tokens contain them.
    std::string_view value = trim(seg.substr(eq + 1));
    bool known = std::find(known_keys.begin(), known_keys.end(), key) != known_keys.end();
    if (!known) continue;
    // Tabs around a value are layout; inside one (an endpoint, a SAS) they are damage.
    if (value.find('\t') != std::string_view::npos) return invalid("the value of " + key + " contains a tab");
    if (!kv.emplace(key, std::string(value)).second) return invalid("key " + key + " appears twice");
  }
  if (kv.empty()) return invalid("no recognised keys (AccountName, AccountKey, BlobEndpoint, ...)");

  auto get = [&](std::string_view k) -> const std::string* {
    auto it = kv.find(std::string(k));
    return it == kv.end() ? nullptr : &it->second;
  };

  azure_connection_string cs;
  if (auto* dev = get("usedevelopmentstorage")) {
    if (to_lower(*dev) != "true") return invalid("UseDevelopmentStorage must be true when present");
    if (get("accountname") || get("accountkey") || get("blobendpoint") || get("sharedaccesssignature"))
      return invalid("UseDevelopmentStorage=true cannot be combined with account or endpoint keys");
    std::string base = "http://127.0.0.1";
    if (auto* proxy = get("developmentstorageproxyuri")) {
      auto p = check_endpoint(*proxy, "DevelopmentStorageProxyUri");
      if (!p) return p.error();
      base = *p;
    }
    cs.development_storage = true;
    cs.protocol = "http";
    cs.account_name = std::string(azure_dev_account);
    cs.account_key = std::string(azure_dev_account_key);
    cs.blob_endpoint = base + ":10000/" + std::string(azure_dev_account);
    return cs;
  }
  if (get("developmentstorageproxyuri")) return invalid("DevelopmentStorageProxyUri needs UseDevelopmentStorage=true");

  if (auto* p = get("defaultendpointsprotocol")) {
    cs.protocol = to_lower(*p);
    if (cs.protocol != "http" && cs.protocol != "https") return invalid("DefaultEndpointsProtocol must be http or https");
  }
  if (auto* s = get("endpointsuffix")) {
    if (!host_ok(*s) || s->find(':') != std::string::npos) return invalid("EndpointSuffix must be a DNS suffix");
    cs.endpoint_suffix = *s;
  }
  if (auto* n = get("accountname")) {
    if (n->empty()) return invalid("AccountName is empty");
    if (n->size() < 3 || n->size() > 24 || !std::all_of(n->begin(), n->end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }))
      return invalid("AccountName must be 3-24 lowercase letters or digits");
    cs.account_name = *n;
  }
  if (auto* k = get("accountkey")) {
    auto raw = signing::base64_decode(*k);
    if (k->empty() || !raw || raw->empty()) return invalid("AccountKey is not valid base64");
    if (cs.account_name.empty()) return invalid("AccountKey needs AccountName");
    cs.account_key = *k;
  }
  if (auto* sas = get("sharedaccesssignature")) {
    std::string_view t = *sas;
    if (!t.empty() && t.front() == '?') t.remove_prefix(1);
    if (t.empty()) return invalid("SharedAccessSignature is empty");
    if (t.find_first_of(" #") != std::string_view::npos) return invalid("SharedAccessSignature is not a query string");
    cs.sas_token = std::string(t);
  }
  if (auto* e = get("blobendpoint")) {
    auto p = check_endpoint(*e, "BlobEndpoint");
    if (!p) return p.error();
    cs.blob_endpoint = *p;
  } else if (!cs.account_name.empty()) {
    cs.blob_endpoint = cs.protocol + "://" + cs.account_name + ".blob." + cs.endpoint_suffix;
  } else {
    return invalid("needs AccountName or BlobEndpoint");
  }
  return cs;
}

}  // namespace ferry::auth
