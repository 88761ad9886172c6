#include "tests/support/credential_state.hpp"

#include <boost/json/value_from.hpp>

#include <set>
#include <stdexcept>

namespace ferry::testd {
namespace {

namespace json = boost::json;

// Every scalar config field once, so parsing, validation and printing cannot drift apart.
// f(section, name, field); section "" is the top level.
template <class Config, class F>
void for_each_field(Config& c, F&& f) {
  f("", "lifetime_seconds", c.lifetime_seconds);
  f("lifetimes", "imds", c.lifetimes.imds);
  f("lifetimes", "ecs", c.lifetimes.ecs);
  f("lifetimes", "sts", c.lifetimes.sts);
  f("lifetimes", "google", c.lifetimes.google);
  f("lifetimes", "google_metadata", c.lifetimes.google_metadata);
  f("lifetimes", "azure", c.lifetimes.azure);
  f("lifetimes", "azure_msi", c.lifetimes.azure_msi);
  f("imds", "allow_v1", c.imds.allow_v1);
  f("imds", "role", c.imds.role);
  f("imds", "region", c.imds.region);
  f("imds", "availability_zone", c.imds.availability_zone);
  f("imds", "account_id", c.imds.account_id);
  f("imds", "instance_id", c.imds.instance_id);
  f("ecs", "authorization", c.ecs.authorization);
  f("ecs", "role_arn", c.ecs.role_arn);
  f("ecs", "prefixes", c.ecs.prefixes);
  f("sts", "web_identity_token", c.sts.web_identity_token);
  f("sts", "access_key_ids", c.sts.access_key_ids);
  f("sts", "require_issued_access_key", c.sts.require_issued_access_key);
  f("sts", "account_id", c.sts.account_id);
  f("google", "client_id", c.google.client_id);
  f("google", "client_secret", c.google.client_secret);
  f("google", "refresh_token", c.google.refresh_token);
  f("google", "public_key_pem", c.google.public_key_pem);
  f("google", "client_email", c.google.client_email);
  f("google", "audience", c.google.audience);
  f("google", "project_id", c.google.project_id);
  f("google", "numeric_project_id", c.google.numeric_project_id);
  f("google", "service_account_email", c.google.service_account_email);
  f("google", "zone", c.google.zone);
  f("azure", "tenant_id", c.azure.tenant_id);
  f("azure", "client_id", c.azure.client_id);
  f("azure", "client_secret", c.azure.client_secret);
  f("azure", "client_assertion", c.azure.client_assertion);
  f("azure", "identity_header", c.azure.identity_header);
  f("azure", "msi_client_id", c.azure.msi_client_id);
}

[[noreturn]] void bad(const std::string& where, const char* what) {
  throw std::invalid_argument(where + ": " + what);
}

void assign(const std::string& where, const json::value& v, bool& out) {
  if (!v.is_bool()) bad(where, "expected true or false");
  out = v.as_bool();
}
void assign(const std::string& where, const json::value& v, std::int64_t& out) {
  if (v.is_int64()) out = v.as_int64();
  else if (v.is_uint64() && v.as_uint64() <= INT64_MAX) out = static_cast<std::int64_t>(v.as_uint64());
  else bad(where, "expected an integer");
}
void assign(const std::string& where, const json::value& v, std::optional<std::int64_t>& out) {
  if (v.is_null()) {
    out.reset();
    return;
  }
  std::int64_t n = 0;
  assign(where, v, n);
  out = n;
}
void assign(const std::string& where, const json::value& v, std::string& out) {
  if (!v.is_string()) bad(where, "expected a string");
  out = v.as_string();
}
void assign(const std::string& where, const json::value& v, std::vector<std::string>& out) {
  if (!v.is_array()) bad(where, "expected an array of strings");
  std::vector<std::string> r;
  for (auto& e : v.as_array()) {
    if (!e.is_string()) bad(where, "expected an array of strings");
    r.emplace_back(e.as_string());
  }
  out = std::move(r);
}

json::value to_value(bool b) { return b; }
json::value to_value(std::int64_t n) { return n; }
json::value to_value(const std::optional<std::int64_t>& n) { return n ? json::value(*n) : json::value(nullptr); }
json::value to_value(const std::string& s) { return json::value(s); }
json::value to_value(const std::vector<std::string>& v) { return json::value_from(v); }

auth_config::fail_rule parse_fail_rule(const json::value& v) {
  if (!v.is_object()) bad("fail", "each rule must be an object");
  auth_config::fail_rule r;
  for (auto& [k, val] : v.as_object()) {
    std::string where = "fail." + std::string(k);
    std::int64_t n = 0;
    if (k == "endpoint") assign(where, val, r.endpoint);
    else if (k == "error") assign(where, val, r.error);
    else if (k == "message") assign(where, val, r.message);
    else if (k == "after" || k == "times" || k == "status") {
      assign(where, val, n);
      if (n < 0 || (k == "status" && (n < 100 || n > 599))) bad(where, "out of range");
      if (k == "after") r.after = static_cast<std::uint64_t>(n);
      else if (k == "times") r.times = static_cast<std::uint64_t>(n);
      else r.status = static_cast<unsigned>(n);
    } else {
      bad(where, "unknown key");
    }
  }
  if (r.endpoint.empty()) bad("fail", "each rule needs an \"endpoint\"");
  return r;
}

}  // namespace

credential_state::credential_state() = default;

auth_config credential_state::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

void credential_state::configure(const json::value& patch) {
  if (!patch.is_object()) bad("config", "expected a JSON object");
  // Which (section, name) pairs exist, to reject typos instead of silently ignoring them.
  std::set<std::pair<std::string, std::string>> known;
  auth_config probe;
  for_each_field(probe, [&](const char* s, const char* n, auto&) { known.emplace(s, n); });
  auto is_section = [&](std::string_view k) {
    for (auto& [s, n] : known)
      if (s == k) return true;
    return false;
  };
  for (auto& [k, v] : patch.as_object()) {
    if (k == "fail") continue;
    if (is_section(k)) {
      if (!v.is_object()) bad(std::string(k), "expected an object");
      for (auto& [n, unused] : v.as_object()) {
        (void)unused;
        if (!known.count({std::string(k), std::string(n)})) bad(std::string(k) + "." + std::string(n), "unknown key");
      }
    } else if (!known.count({"", std::string(k)})) {
      bad(std::string(k), "unknown key");
    }
  }
  std::lock_guard lock(mutex_);
  auth_config next = config_;  // parse into a copy: an error leaves the config unchanged
  for_each_field(next, [&](const char* s, const char* n, auto& field) {
    const json::value* v = nullptr;
    if (*s == 0) v = patch.as_object().if_contains(n);
    else if (auto sec = patch.as_object().if_contains(s)) v = sec->as_object().if_contains(n);
    if (v) assign(*s ? std::string(s) + "." + n : std::string(n), *v, field);
  });
  if (auto f = patch.as_object().if_contains("fail")) {
    if (!f->is_array()) bad("fail", "expected an array of rules");
    next.fail.clear();
    for (auto& r : f->as_array()) next.fail.push_back(parse_fail_rule(r));
  }
  if (!next.google.public_key_pem.empty() && !public_key_pem_usable(next.google.public_key_pem))
    bad("google.public_key_pem", "not a PEM RSA public key or certificate");
  config_ = std::move(next);
}

void credential_state::reset_config() {
  std::lock_guard lock(mutex_);
  config_ = auth_config{};
}

json::value credential_state::config_json() const {
  std::lock_guard lock(mutex_);
  json::object out;
  for_each_field(config_, [&](const char* s, const char* n, const auto& field) {
    if (*s == 0) out[n] = to_value(field);
    else {
      auto& sec = out[s];
      if (!sec.is_object()) sec = json::object{};
      sec.as_object()[n] = to_value(field);
    }
  });
  json::array rules;
  for (auto& r : config_.fail)
    rules.push_back(json::object{{"endpoint", r.endpoint}, {"after", r.after},  {"times", r.times},
                                 {"status", r.status},     {"error", r.error},  {"message", r.message},
                                 {"seen", r.seen},         {"fired", r.fired}});
  out["fail"] = std::move(rules);
  return out;
}

bool credential_state::ecs_path(std::string_view path) const {
  std::lock_guard lock(mutex_);
  for (auto& p : config_.ecs.prefixes)
    if (!p.empty() && path.starts_with(p)) return true;
  return false;
}

std::optional<forced_failure> credential_state::begin(std::string_view service, std::string_view endpoint) {
  std::lock_guard lock(mutex_);
  ++requests_[std::string(endpoint)];
  std::optional<forced_failure> out;
  for (auto& r : config_.fail) {
    if (r.endpoint != "*" && r.endpoint != service && r.endpoint != endpoint) continue;
    ++r.seen;
    if (out || r.seen <= r.after || (r.times != 0 && r.fired >= r.times)) continue;
    ++r.fired;
    out = forced_failure{r.status, r.error, r.message};
  }
  if (out) {
    ++forced_failures_;
    ++rejected_[std::string(endpoint)];
  }
  return out;
}

void credential_state::rejected(std::string_view endpoint) {
  std::lock_guard lock(mutex_);
  ++rejected_[std::string(endpoint)];
}

void credential_state::note(std::string_view key, std::string value) {
  std::lock_guard lock(mutex_);
  last_[std::string(key)] = std::move(value);
}

void credential_state::note_assume_role_caller(std::string access_key_id) {
  std::lock_guard lock(mutex_);
  last_["sts_assume_role_access_key_id"] = access_key_id;
  assume_role_callers_.push_back(std::move(access_key_id));
}

std::chrono::seconds credential_state::lifetime(std::string_view service, std::optional<std::int64_t> requested) const {
  std::lock_guard lock(mutex_);
  const auto& l = config_.lifetimes;
  const std::optional<std::int64_t>* o = nullptr;
  if (service == "imds") o = &l.imds;
  else if (service == "ecs") o = &l.ecs;
  else if (service == "sts") o = &l.sts;
  else if (service == "google") o = &l.google;
  else if (service == "google_metadata") o = &l.google_metadata;
  else if (service == "azure") o = &l.azure;
  else if (service == "azure_msi") o = &l.azure_msi;
  if (o && *o) return std::chrono::seconds(**o);
  return std::chrono::seconds(requested.value_or(config_.lifetime_seconds));
}

void credential_state::record(issued_credential c) {
  // Caller holds mutex_.
  std::size_t i = issued_.size();
  ++issued_count_[c.endpoint];
  for (auto* k : {&c.access_key_id, &c.session_token, &c.token})
    if (!k->empty()) index_[*k] = i;
  issued_.push_back(std::move(c));
}

issued_credential credential_state::issue_aws(std::string_view endpoint, std::chrono::seconds lifetime) {
  issued_credential c;
  c.endpoint = endpoint;
  c.kind = "aws";
  c.access_key_id = "ASIA" + random_chars(16, upper_alnum);
  c.secret_access_key = random_chars(40, base64_chars);
  // Real session tokens are a few hundred base64 characters; clients must not assume a length.
  c.session_token = "IQoJb3JpZ2luX2VjE" + random_chars(300, base64_chars);
  c.issued_at = auth_clock::now();
  c.expires_at = c.issued_at + lifetime;
  std::lock_guard lock(mutex_);
  record(c);
  return c;
}

issued_credential credential_state::issue_token(std::string_view endpoint, std::string token,
                                                std::chrono::seconds lifetime) {
  issued_credential c;
  c.endpoint = endpoint;
  c.kind = "token";
  c.token = std::move(token);
  c.issued_at = auth_clock::now();
  c.expires_at = c.issued_at + lifetime;
  std::lock_guard lock(mutex_);
  record(c);
  return c;
}

std::optional<issued_credential> credential_state::find(std::string_view token) const {
  std::lock_guard lock(mutex_);
  auto it = index_.find(token);
  if (token.empty() || it == index_.end()) return std::nullopt;
  return issued_[it->second];
}

std::size_t credential_state::expire(std::optional<std::string_view> token) {
  std::lock_guard lock(mutex_);
  const auto past = auth_clock::now() - std::chrono::seconds(1);
  std::size_t n = 0;
  auto one = [&](issued_credential& c) {
    if (c.expires_at > past) {
      c.expires_at = past;
      ++n;
    }
  };
  if (token) {
    auto it = index_.find(*token);
    if (!token->empty() && it != index_.end()) one(issued_[it->second]);
  } else {
    for (auto& c : issued_) one(c);
  }
  return n;
}

json::value credential_state::state_json() const {
  std::lock_guard lock(mutex_);
  auto counts = [](const std::map<std::string, std::uint64_t, std::less<>>& m) {
    json::object o;
    for (auto& [k, v] : m) o[k] = v;
    return o;
  };
  json::object last;
  for (auto& [k, v] : last_) last[k] = v;
  const auto now = auth_clock::now();
  std::uint64_t live = 0;
  for (auto& c : issued_) live += c.live(now) ? 1 : 0;
  return json::object{{"requests", counts(requests_)},
                      {"issued", counts(issued_count_)},
                      {"rejected", counts(rejected_)},
                      {"forced_failures", forced_failures_},
                      {"credentials", issued_.size()},
                      {"live", live},
                      {"last", std::move(last)},
                      {"assume_role_access_key_ids", json::value_from(assume_role_callers_)}};
}

void credential_state::reset_state() {
  std::lock_guard lock(mutex_);
  issued_.clear();
  index_.clear();
  requests_.clear();
  issued_count_.clear();
  rejected_.clear();
  last_.clear();
  assume_role_callers_.clear();
  forced_failures_ = 0;
  for (auto& r : config_.fail) r.seen = r.fired = 0;
}

}  // namespace ferry::testd
