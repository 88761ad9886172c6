#include "signing/azure_shared_key.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace ferry::signing {
namespace {

failure invalid(std::string msg) { return failure(error::invalid_argument, "azure shared key: " + std::move(msg)); }

char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string to_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(char(c)) == std::string_view::npos) return false;
  }
  return true;
}

// Values are trimmed but inner whitespace is kept: Microsoft's page says to collapse runs of blanks,
// but the SDKs (C++, Python) sign the raw value and Azurite verifies exactly that.
std::string_view trim(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

bool has_line_break(std::string_view v) { return v.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos; }

// First-pass weight of a character in the service's culture-aware sort: '-' is ignored (0),
// punctuation before digits before letters, letters case-insensitive.
int primary_weight(unsigned char c) {
  if (c == '-') return 0;
  if (c >= '0' && c <= '9') return 0x200 + c;
  if (c >= 'a' && c <= 'z') return 0x300 + c;
  if (c >= 'A' && c <= 'Z') return 0x300 + (c - 'A' + 'a');
  return 0x100 + c;
}

constexpr std::array<std::string_view, 11> standard_headers = {
    "content-encoding", "content-language", "content-length", "content-md5",      "content-type", "date",
    "if-modified-since", "if-match",        "if-none-match",  "if-unmodified-since", "range"};

}  // namespace

bool azure_header_name_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && primary_weight(a[i]) == 0) ++i;
    while (j < b.size() && primary_weight(b[j]) == 0) ++j;
    if (i == a.size() || j == b.size()) {
      if (i == a.size() && j == b.size()) break;  // equal ignoring hyphens: fall through to bytes
      return i == a.size();
    }
    int wa = primary_weight(a[i]), wb = primary_weight(b[j]);
    if (wa != wb) return wa < wb;
    ++i, ++j;
  }
  return a < b;
}

result<std::string> azure_shared_key_string_to_sign(const azure_shared_key_input& in) {
  if (!is_token(in.method)) return invalid("method is not an HTTP token");
  if (!azure_is_account_name(in.account)) return invalid("account name must be 3-24 lowercase letters or digits");
  if (in.path.empty() || in.path.front() != '/') return invalid("path must start with '/'");
  if (in.path.find_first_of("?# \r\n") != std::string::npos) return invalid("path must be percent-encoded, without query");

  // Header names are case-insensitive; repeated headers are one comma-separated value, in order.
  std::map<std::string, std::string> standard;
  std::vector<std::pair<std::string, std::string>> ms;
  for (auto& [name, value] : in.headers) {
    if (!is_token(name)) return invalid("header name is not an HTTP token");
    if (has_line_break(value)) return invalid("header value contains CR, LF or NUL");
    std::string n = to_lower(name);
    if (n.starts_with("x-ms-")) {
      std::string v(trim(value));
      auto it = std::find_if(ms.begin(), ms.end(), [&](auto& p) { return p.first == n; });
      if (it != ms.end()) {
        it->second.push_back(',');
        it->second.append(v);
      }
      else ms.emplace_back(std::move(n), std::move(v));
    } else if (std::find(standard_headers.begin(), standard_headers.end(), n) != standard_headers.end()) {
      auto [it, fresh] = standard.try_emplace(n, value);
      if (!fresh) {
        it->second.push_back(',');
        it->second.append(value);
      }
    }
  }

  std::string version;
  for (auto& [n, v] : ms)
    if (n == "x-ms-version") version = v;

  std::string s = in.method;
  s += '\n';
  for (auto h : standard_headers) {
    auto it = standard.find(std::string(h));
    if (it != standard.end()) {
      // Since 2015-02-21 a zero Content-Length is signed as the empty string.
      bool empty_zero = h == "content-length" && it->second == "0" && (version.empty() || version >= "2015-02-21");
      if (!empty_zero) s += it->second;
    }
    s += '\n';
  }

  std::stable_sort(ms.begin(), ms.end(), [](auto& a, auto& b) { return azure_header_name_less(a.first, b.first); });
  for (auto& [n, v] : ms) {
    s += n;
    s += ':';
    s += v;
    s += '\n';
  }

  s += '/';
  s += in.account;
  s += in.path;
  // Query: lowercase names, decoded values; a repeated name lists its values sorted, comma-joined.
  std::map<std::string, std::vector<std::string>> params;
  for (auto& [name, value] : in.query) {
    if (has_line_break(name) || has_line_break(value)) return invalid("query parameter contains CR, LF or NUL");
    params[to_lower(name)].push_back(value);
  }
  for (auto& [n, values] : params) {
    std::sort(values.begin(), values.end());
    s += '\n';
    s += n;
    s += ':';
    for (std::size_t k = 0; k < values.size(); ++k) {
      if (k) s += ',';
      s += values[k];
    }
  }
  return s;
}

std::string azure_http_date(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  static constexpr const char* wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> hms{t - day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d GMT", wd[weekday{day}.c_encoding()],
                unsigned(ymd.day()), mon[unsigned(ymd.month()) - 1], int(ymd.year()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

result<std::string> azure_shared_key_authorization(const azure_shared_key_input& in, const azure_key& key) {
  auto sts = azure_shared_key_string_to_sign(in);
  if (!sts) return sts.error();
  return "SharedKey " + in.account + ":" + key.sign(*sts);
}

}  // namespace ferry::signing
