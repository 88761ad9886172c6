#include "signing/canonical_request.hpp"

#include "signing/encoding.hpp"

#include <algorithm>
#include <array>

namespace ferry::signing {
namespace {

bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

char upper(char c) { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> out;
  bool trailing_slash = false;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view seg = path.substr(i, j - i);
    bool last = j == path.size();
    if (seg.empty() || seg == ".") {
      // "//" collapses; "/." at the end still names a directory.
      if (last) trailing_slash = !out.empty() || seg == ".";
    } else if (seg == "..") {
      if (!out.empty()) out.pop_back();
      if (last) trailing_slash = true;
    } else {
      out.push_back(seg);
      if (last) trailing_slash = false;
    }
    i = j + 1;
  }
  std::string result;
  for (auto seg : out) {
    result += '/';
    result += seg;
  }
  if (result.empty() || trailing_slash) result += '/';
  return result;
}

std::string encode_path_once(std::string_view path) {
  static constexpr char hexdig[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(path.size() + 8);
  for (std::size_t i = 0; i < path.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (is_unreserved(c) || c == '/') {
      out += char(c);
    } else if (c == '%' && i + 2 < path.size() && is_hex(path[i + 1]) && is_hex(path[i + 2])) {
      out += '%';
      out += upper(path[i + 1]);
      out += upper(path[i + 2]);
      i += 2;
    } else {
      out += '%';
      out += hexdig[c >> 4];
      out += hexdig[c & 15];
    }
  }
  return out;
}

std::string canonical_uri(std::string_view path, uri_rules rules, bool normalize) {
  if (rules == uri_rules::s3) return path.empty() ? std::string("/") : encode_path_once(path);
  std::string p = normalize ? normalize_path(path) : std::string(path.empty() ? "/" : path);
  return uri_encode(p, /*keep_slash=*/true);
}

string_pairs parse_query(std::string_view raw) {
  string_pairs out;
  std::size_t i = 0;
  while (i < raw.size()) {
    std::size_t j = raw.find('&', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view item = raw.substr(i, j - i);
    i = j + 1;
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    std::string_view name = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view{} : item.substr(eq + 1);
    auto dn = uri_decode(name);
    auto dv = uri_decode(value);
    out.emplace_back(dn ? std::move(*dn) : std::string(name), dv ? std::move(*dv) : std::string(value));
  }
  return out;
}

std::string canonical_query(const string_pairs& params) {
  if (params.empty()) return {};
  std::vector<std::pair<std::string, std::string>> enc;
  enc.reserve(params.size());
  std::size_t total = 0;
  for (auto& [n, v] : params) {
    enc.emplace_back(uri_encode(n), uri_encode(v));
    total += enc.back().first.size() + enc.back().second.size() + 2;
  }
  std::sort(enc.begin(), enc.end());
  std::string out;
  out.reserve(total);
  for (auto& [n, v] : enc) {
    if (!out.empty()) out += '&';
    out += n;
    out += '=';
    out += v;
  }
  return out;
}

std::string canonical_header_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  bool pending_space = false;
  for (char c : v) {
    if (is_blank(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

canonical_headers_t canonical_headers(const string_pairs& headers) {
  struct item {
    std::string name;
    std::string value;
  };
  std::vector<item> items;
  items.reserve(headers.size());
  for (auto& [n, v] : headers) {
    std::string ln(n.size(), '\0');
    std::transform(n.begin(), n.end(), ln.begin(), lower);
    items.push_back({std::move(ln), canonical_header_value(v)});
  }
  // Stable: values of a repeated name keep their arrival order.
  std::stable_sort(items.begin(), items.end(), [](const item& a, const item& b) { return a.name < b.name; });
  canonical_headers_t out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0 && items[i].name == items[i - 1].name) {
      out.block.back() = ',';  // replace the '\n' of the previous line
      out.block += items[i].value;
      out.block += '\n';
      continue;
    }
    if (!out.signed_list.empty()) out.signed_list += ';';
    out.signed_list += items[i].name;
    out.block += items[i].name;
    out.block += ':';
    out.block += items[i].value;
    out.block += '\n';
  }
  return out;
}

bool is_unsignable_header(std::string_view n) {
  static constexpr std::array<std::string_view, 8> skip = {
      "authorization", "connection", "expect", "proxy-authorization",
      "te",            "transfer-encoding", "user-agent", "x-amzn-trace-id"};
  return std::find(skip.begin(), skip.end(), n) != skip.end();
}

}  // namespace ferry::signing
