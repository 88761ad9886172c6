#include "ferry/object_url.hpp"

#include "ferry/printable.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace ferry {
namespace {

constexpr std::size_t max_key_bytes = 1024;  // S3 and Azure limit; GCS allows 1024 too

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

failure bad(std::string message) { return failure(error::invalid_argument, std::move(message)); }

// "192.168.5.4": bucket names must not look like an IPv4 address.
bool looks_like_ipv4(std::string_view s) {
  int groups = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i || j - i > 3) return false;
    ++groups;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return groups == 4;
}

// Strict %XX decoding: a '%' not followed by two hex digits is an error, and so is an encoded NUL.
result<std::string> percent_decode(std::string_view s, std::string_view what) {
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    bool complete = s.size() - i >= 3;  // '%' plus two digits
    int hi = complete ? hexval(s[i + 1]) : -1;
    int lo = complete ? hexval(s[i + 2]) : -1;
    if (hi < 0 || lo < 0)
      return bad("invalid percent-escape in " + std::string(what) + " " + printable(s));
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return bad("encoded NUL byte (%00) in " + std::string(what) + " " + printable(s));
    out.push_back(c);
    i += 2;
  }
  return out;
}

result<void> check_key(std::string_view key, std::string_view text) {
  if (key.size() > max_key_bytes)
    return bad("key is " + std::to_string(key.size()) + " bytes, over the 1024-byte limit, in " + printable(text));
  if (key.find('\0') != std::string_view::npos) return bad("NUL byte in the key of " + printable(text));
  return {};
}

// Splits "BUCKET/KEY" (the part after "scheme://").
std::pair<std::string_view, std::string_view> split_first(std::string_view rest) {
  auto slash = rest.find('/');
  if (slash == std::string_view::npos) return {rest, {}};
  return {rest.substr(0, slash), rest.substr(slash + 1)};
}

result<object_url> parse_bucket_url(url_kind kind, std::string_view rest, std::string_view text) {
  auto [bucket, key] = split_first(rest);
  if (bucket.empty()) return bad("missing bucket name in " + printable(text));
  auto valid = kind == url_kind::s3 ? validate_s3_bucket(bucket) : validate_gcs_bucket(bucket);
  if (!valid) return valid.error();
  if (auto k = check_key(key, text); !k) return k.error();
  object_url out;
  out.kind = kind;
  out.bucket = std::string(bucket);
  out.key = std::string(key);
  return out;
}

result<object_url> parse_az_url(std::string_view rest, std::string_view text) {
  auto [account, after] = split_first(rest);
  if (account.empty()) return bad("missing storage account in " + printable(text) + " (expected az://ACCOUNT/CONTAINER/BLOB)");
  if (auto v = validate_azure_account(account); !v) return v.error();
  auto [container, blob] = split_first(after);
  if (container.empty()) return bad("missing container in " + printable(text) + " (expected az://ACCOUNT/CONTAINER/BLOB)");
  if (auto v = validate_azure_container(container); !v) return v.error();
  if (auto k = check_key(blob, text); !k) return k.error();
  object_url out;
  out.kind = url_kind::az;
  out.account = std::string(account);
  out.bucket = std::string(container);
  out.key = std::string(blob);
  return out;
}

result<object_url> parse_file_url(std::string_view text) {
  // RFC 8089: "file:///p", "file://localhost/p" or "file:/p".
  std::string_view rest = text.substr(5);  // after "file:"
  if (rest.starts_with("//")) {
    rest.remove_prefix(2);
    auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    if (!authority.empty() && lowercase(authority) != "localhost")
      return failure(error::unsupported, "file URL " + printable(text) + " names host " + printable(authority) +
                                             "; only local files are supported (use file:///path)");
    if (slash == std::string_view::npos) return bad("file URL " + printable(text) + " has no path");
    rest = rest.substr(slash);
  }
  if (!rest.starts_with('/')) return bad("file URL " + printable(text) + " must have an absolute path (file:///path)");
  if (rest.find_first_of("?#") != std::string_view::npos)
    return bad("file URL " + printable(text) + " has a query or fragment; percent-encode '?' as %3F and '#' as %23");
  auto path = percent_decode(rest, "file URL");
  if (!path) return path.error();
  object_url out;
  out.kind = url_kind::file;
  out.key = std::move(*path);
  return out;
}

// https://ACCOUNT.blob.core.windows.net/CONTAINER/BLOB -> az, when the host says so.
std::optional<result<object_url>> try_azure_https(const boost::urls::url_view& u, std::string_view text) {
  static constexpr std::string_view suffix = ".blob.core.windows.net";
  std::string host = lowercase(u.encoded_host());
  if (host.size() <= suffix.size() || !host.ends_with(suffix) || u.has_port()) return std::nullopt;
  std::string account = host.substr(0, host.size() - suffix.size());
  if (auto v = validate_azure_account(account); !v) return result<object_url>(v.error());
  std::string_view path = u.encoded_path();
  if (path.starts_with('/')) path.remove_prefix(1);
  auto slash = path.find('/');
  std::string_view container = path.substr(0, slash);
  if (container.empty()) return result<object_url>(bad("missing container in " + printable(text)));
  if (auto v = validate_azure_container(container); !v) return result<object_url>(v.error());
  std::string_view blob_encoded = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  auto blob = percent_decode(blob_encoded, "blob name of");
  if (!blob) return result<object_url>(blob.error());
  if (auto k = check_key(*blob, text); !k) return result<object_url>(k.error());
  object_url out;
  out.kind = url_kind::az;
  out.account = std::move(account);
  out.bucket = std::string(container);
  out.key = std::move(*blob);
  out.url = std::string(text);
  return result<object_url>(std::move(out));
}

result<object_url> parse_http_url(url_kind kind, std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return bad("malformed URL " + printable(text));
  const boost::urls::url_view& u = *parsed;
  if (!u.has_authority() || u.encoded_host().empty()) return bad("URL " + printable(text) + " has no host");
  if (u.has_userinfo())
    return bad("credentials in the URL " + printable(u.encoded_host()) + " are not supported; use the credential chain");
  if (kind == url_kind::https) {
    if (auto az = try_azure_https(u, text)) return std::move(*az);
  }
  object_url out;
  out.kind = kind;
  out.url = std::string(text);
  return out;
}

}  // namespace

std::string_view to_string(url_kind kind) noexcept {
  switch (kind) {
    case url_kind::local: return "local";
    case url_kind::file: return "file";
    case url_kind::http: return "http";
    case url_kind::https: return "https";
    case url_kind::s3: return "s3";
    case url_kind::gs: return "gs";
    case url_kind::az: return "az";
  }
  return "unknown";
}

result<object_url> object_url::parse(std::string_view text) {
  if (text.empty()) return bad("empty location (expected a path or a URL such as s3://bucket/key)");
  if (text.find('\0') != std::string_view::npos) return bad("NUL byte in location " + printable(text));

  // A scheme is letters/digits/+-. before "://"; anything else (including "a:b") is a plain path.
  std::size_t i = 0;
  if (std::isalpha(static_cast<unsigned char>(text[0]))) {
    while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '+' ||
                               text[i] == '-' || text[i] == '.'))
      ++i;
  }
  std::string scheme = i > 0 && i < text.size() && text[i] == ':' ? lowercase(text.substr(0, i)) : std::string();
  bool has_slashes = !scheme.empty() && text.substr(i + 1).starts_with("//");

  if (scheme == "file" && text.substr(i + 1).starts_with("/")) return parse_file_url(text);
  if (!has_slashes) {
    object_url out;
    out.kind = url_kind::local;
    out.key = std::string(text);
    return out;
  }
  std::string_view rest = text.substr(i + 3);
  if (scheme == "s3") return parse_bucket_url(url_kind::s3, rest, text);
  if (scheme == "gs") return parse_bucket_url(url_kind::gs, rest, text);
  if (scheme == "az") return parse_az_url(rest, text);
  if (scheme == "http") return parse_http_url(url_kind::http, text);
  if (scheme == "https") return parse_http_url(url_kind::https, text);
  return failure(error::unsupported, "unknown scheme " + printable(scheme, 40) + " in " + printable(text) +
                                         " (expected s3, gs, az, file, http, https or a path)");
}

std::string object_url::to_string() const {
  switch (kind) {
    case url_kind::local: case url_kind::file: return key;
    case url_kind::http: case url_kind::https: return url;
    case url_kind::s3: return "s3://" + bucket + "/" + key;
    case url_kind::gs: return "gs://" + bucket + "/" + key;
    case url_kind::az: return "az://" + account + "/" + bucket + "/" + key;
  }
  return key;
}

result<void> validate_s3_bucket(std::string_view name) {
  auto why = [&](std::string_view rule) {
    return bad("invalid S3 bucket name " + printable(name, 80) + ": " + std::string(rule));
  };
  if (name.size() < 3 || name.size() > 63) return why("must be 3 to 63 characters long");
  for (char c : name)
    if (!is_lower_alnum(c) && c != '.' && c != '-')
      return why("only lowercase letters, digits, dots and hyphens are allowed");
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back()))
    return why("must begin and end with a letter or digit");
  if (name.find("..") != std::string_view::npos || name.find(".-") != std::string_view::npos ||
      name.find("-.") != std::string_view::npos)
    return why("dots must not be adjacent to another dot or a hyphen");
  if (looks_like_ipv4(name)) return why("must not be formatted as an IP address");
  if (name.starts_with("xn--") || name.starts_with("sthree-") || name.starts_with("amzn-s3-demo-"))
    return why("reserved prefix");
  if (name.ends_with("-s3alias") || name.ends_with("--ol-s3") || name.ends_with("--x-s3") ||
      name.ends_with(".mrap"))
    return why("reserved suffix");
  return {};
}

result<void> validate_gcs_bucket(std::string_view name) {
  auto why = [&](std::string_view rule) {
    return bad("invalid GCS bucket name " + printable(name, 240) + ": " + std::string(rule));
  };
  bool dotted = name.find('.') != std::string_view::npos;
  if (name.size() < 3 || name.size() > (dotted ? 222u : 63u))
    return why(dotted ? "names with dots must be 3 to 222 characters long" : "must be 3 to 63 characters long");
  for (char c : name)
    if (!is_lower_alnum(c) && c != '.' && c != '-' && c != '_')
      return why("only lowercase letters, digits, dots, hyphens and underscores are allowed");
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back()))
    return why("must begin and end with a letter or digit");
  std::size_t start = 0;
  while (start <= name.size()) {
    auto dot = name.find('.', start);
    std::size_t len = (dot == std::string_view::npos ? name.size() : dot) - start;
    if (len == 0) return why("empty component between dots");
    if (len > 63) return why("each dot-separated component must be at most 63 characters");
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (looks_like_ipv4(name)) return why("must not be formatted as an IP address");
  if (name.starts_with("goog")) return why("must not begin with \"goog\"");
  if (name.find("google") != std::string_view::npos || name.find("g00gle") != std::string_view::npos)
    return why("must not contain \"google\"");
  return {};
}

result<void> validate_azure_container(std::string_view name) {
  if (name == "$root" || name == "$web" || name == "$logs") return {};
  auto why = [&](std::string_view rule) {
    return bad("invalid Azure container name " + printable(name, 80) + ": " + std::string(rule));
  };
  if (name.size() < 3 || name.size() > 63) return why("must be 3 to 63 characters long");
  for (char c : name)
    if (!is_lower_alnum(c) && c != '-') return why("only lowercase letters, digits and hyphens are allowed");
  if (!is_lower_alnum(name.front()) || !is_lower_alnum(name.back()))
    return why("must begin and end with a letter or digit");
  if (name.find("--") != std::string_view::npos) return why("consecutive hyphens are not allowed");
  return {};
}

result<void> validate_azure_account(std::string_view name) {
  if (name.size() < 3 || name.size() > 24 || !std::all_of(name.begin(), name.end(), is_lower_alnum))
    return bad("invalid Azure storage account name " + printable(name, 80) +
               ": must be 3 to 24 lowercase letters and digits");
  return {};
}

}  // namespace ferry
