#include "src/auth/aws_credentials_json.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

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

}  // namespace

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
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(*h) + std::chrono::minutes(*mi) + std::chrono::seconds(*se) -
           std::chrono::minutes(offset_minutes);
  return wall_clock::time_point(std::chrono::duration_cast<wall_clock::duration>(t.time_since_epoch()));
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
  auto str = [&](std::string_view key) -> std::optional<std::string> {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) return std::nullopt;
    return std::string(it->value().get_string());
  };
  // IMDS says {"Code":"Success",...}; anything else is its way of reporting a failure.
  if (auto code = str("Code"); code && *code != "Success") return bad("endpoint reported '" + code->substr(0, 64) + "'");
  aws_expiring_credentials out;
  auto id = str("AccessKeyId"), secret = str("SecretAccessKey");
  if (!id || id->empty()) return bad("missing AccessKeyId");
  if (!secret || secret->empty()) return bad("missing SecretAccessKey");
  out.value.access_key_id = *id;
  out.value.secret_access_key = *secret;
  if (auto t = str("Token")) out.value.session_token = *t;
  else if (auto st = str("SessionToken")) out.value.session_token = *st;
  if (auto exp = str("Expiration")) {
    auto when = parse_iso8601_utc(*exp);
    if (!when) return bad("malformed Expiration '" + exp->substr(0, 40) + "'");
    out.expires = *when;
  }
  return out;
}

}  // namespace ferry::auth
