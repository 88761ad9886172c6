#include "src/auth/aws_credentials_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ferry::auth {
namespace {

std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

// Dates beyond what the nanosecond clock can count (years before ~1678 or after ~2261) would overflow it:
// clamp them to its ends, which keeps their meaning ("long ago", "not for ages") and their order.
wall_clock::time_point clamp_to_clock(std::chrono::sys_seconds t) {
  using namespace std::chrono;
  constexpr auto lo = duration_cast<seconds>(wall_clock::time_point::min().time_since_epoch()) + seconds(1);
  constexpr auto hi = duration_cast<seconds>(wall_clock::time_point::max().time_since_epoch()) - seconds(1);
  if (t.time_since_epoch() <= lo) return wall_clock::time_point::min();
  if (t.time_since_epoch() >= hi) return wall_clock::time_point::max();
  return wall_clock::time_point(duration_cast<wall_clock::duration>(t.time_since_epoch()));
}

}  // namespace

bool has_control_character(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

std::optional<wall_clock::time_point> parse_iso8601_utc(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS
  auto y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2), h = digits(s, 11, 2), mi = digits(s, 14, 2),
       se = digits(s, 17, 2);
  if (!y || !mo || !d || !h || !mi || !se || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') ||
      s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (*mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 60) return std::nullopt;
  std::size_t at = 19;
  if (at < s.size() && s[at] == '.') {
    ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
  }
  int offset_minutes = 0;
  std::string_view zone = s.substr(at);
  if (zone == "Z" || zone == "z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    auto oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset_minutes = (*oh * 60 + *om) * (zone[0] == '+' ? 1 : -1);
  } else {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year(*y), std::chrono::month(unsigned(*mo)), std::chrono::day(unsigned(*d))};
  if (!ymd.ok()) return std::nullopt;
  std::chrono::sys_seconds t = std::chrono::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*mi) +
                               std::chrono::seconds(*se) - std::chrono::minutes(offset_minutes);
  return clamp_to_clock(t);
}

result<aws_expiring_credentials> parse_aws_credentials_json(std::string_view body, std::string_view source) {
  auto bad = [&](std::string what) {
    return failure(error::protocol_error, "credentials from " + std::string(source) + ": " + what);
  };
  if (body.size() > 64 * 1024) return bad("response too large");
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return bad("not a JSON object");
  const auto& o = v.as_object();
  // A field that is present must be a string: a number or null where a string belongs is a broken endpoint, not a
  // missing field (a non-string Expiration must not turn into "never expires").
  std::string wrong_type;
  auto str = [&](std::string_view key) -> std::optional<std::string> {
    auto it = o.find(key);
    if (it == o.end()) return std::nullopt;
    if (!it->value().is_string()) {
      if (wrong_type.empty()) wrong_type = std::string(key);
      return std::nullopt;
    }
    return std::string(it->value().get_string());
  };
  // IMDS says {"Code":"Success",...}; anything else is its way of reporting a failure. Only a code-shaped value is
  // repeated in the error: a broken endpoint could put anything there.
  if (auto code = str("Code"); code && *code != "Success") {
    bool code_shaped = !code->empty() && code->size() <= 64 &&
                       std::all_of(code->begin(), code->end(), [](unsigned char c) { return std::isalnum(c); });
    return bad(code_shaped ? "endpoint reported '" + *code + "'" : std::string("endpoint reported a failure code"));
  }
  aws_expiring_credentials out;
  auto id = str("AccessKeyId"), secret = str("SecretAccessKey"), token = str("Token"),
       session_token = str("SessionToken"), expiration = str("Expiration");
  if (!wrong_type.empty()) return bad("\"" + wrong_type + "\" is not a string");
  if (!id || id->empty()) return bad("missing AccessKeyId");
  if (!secret || secret->empty()) return bad("missing SecretAccessKey");
  out.value.access_key_id = *id;
  out.value.secret_access_key = *secret;
  if (token) out.value.session_token = *token;
  else if (session_token) out.value.session_token = *session_token;
  // These become header values (Authorization, X-Amz-Security-Token) and HMAC keys.
  if (has_control_character(out.value.access_key_id) || has_control_character(out.value.secret_access_key) ||
      has_control_character(out.value.session_token))
    return bad("control character in the credentials");
  if (expiration) {
    auto when = parse_iso8601_utc(*expiration);
    if (!when) {
      // Repeat it only when it looks like a date at all: the field might hold anything.
      bool date_shaped = expiration->size() <= 40 && expiration->find_first_not_of("0123456789-:.+TZtz ") == std::string::npos;
      return bad(date_shaped ? "malformed Expiration '" + *expiration + "'" : std::string("malformed Expiration"));
    }
    out.expires = *when;
  }
  return out;
}

}  // namespace ferry::auth
