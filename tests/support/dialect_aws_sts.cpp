// AWS STS, query protocol: POST / with a form body (or GET /?Action=...) for AssumeRoleWithWebIdentity
// (unsigned) and AssumeRole (SigV4-signed by the caller; the signature is not verified, but the
// Authorization header must be there and its Credential= key id is recorded). XML responses and
// <ErrorResponse> errors as STS sends them. Clients get here through AWS_ENDPOINT_URL_STS.
#include "tests/support/credential_dialects.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ferry::testd {
namespace {

constexpr std::string_view sts_ns = "https://sts.amazonaws.com/doc/2011-06-15/";

struct sts_error {
  unsigned status;
  std::string code, message;
};

response error_reply(const sts_error& e) {
  const std::string id = random_uuid();
  // 5xx are the service's fault ("Receiver"), everything else the caller's ("Sender").
  std::string body = "<ErrorResponse xmlns=\"" + std::string(sts_ns) + "\">\n  <Error>\n    <Type>" +
                     (e.status >= 500 ? "Receiver" : "Sender") + "</Type>\n    <Code>" + xml_escape(e.code) +
                     "</Code>\n    <Message>" + xml_escape(e.message) + "</Message>\n  </Error>\n  <RequestId>" + id +
                     "</RequestId>\n</ErrorResponse>\n";
  response r = xml_reply(e.status, std::move(body));
  r.headers.set("x-amzn-RequestId", id);
  return r;
}

// The usual status of an STS error code, for forced failures that name only the code.
unsigned default_status(std::string_view code) {
  if (code == "AccessDenied" || code == "ExpiredToken" || code == "InvalidClientTokenId" ||
      code == "SignatureDoesNotMatch" || code == "MissingAuthenticationToken" || code == "RegionDisabledException")
    return 403;
  if (code == "InternalFailure" || code == "ServiceUnavailable") return 500;
  return 400;
}

std::string validation(std::string_view value, std::string_view member, std::string_view constraint) {
  return "1 validation error detected: Value " + std::string(value) + " at '" + std::string(member) +
         "' failed to satisfy constraint: " + std::string(constraint);
}

// Checks the parameters both actions share; fills duration.
std::optional<sts_error> check_common(const std::map<std::string, std::string, std::less<>>& form,
                                      std::int64_t& duration) {
  const std::string arn = form_value(form, "RoleArn"), session = form_value(form, "RoleSessionName");
  if (!form.contains("RoleArn")) return sts_error{400, "ValidationError", validation("null", "roleArn", "Member must not be null")};
  if (arn.size() < 20 || !arn.starts_with("arn:"))
    return sts_error{400, "ValidationError",
                     validation("'" + arn + "'", "roleArn", "Member must have length greater than or equal to 20")};
  if (!form.contains("RoleSessionName"))
    return sts_error{400, "ValidationError", validation("null", "roleSessionName", "Member must not be null")};
  bool name_ok = session.size() >= 2 && session.size() <= 64;
  for (char c : session)
    name_ok = name_ok && (std::isalnum(static_cast<unsigned char>(c)) || std::string_view("_+=,.@-").find(c) != std::string_view::npos);
  if (!name_ok)
    return sts_error{400, "ValidationError",
                     validation("'" + session + "'", "roleSessionName",
                                "Member must satisfy regular expression pattern: [\\w+=,.@-]*")};
  duration = 3600;
  if (form.contains("DurationSeconds")) {
    const std::string d = form_value(form, "DurationSeconds");
    auto [p, ec] = std::from_chars(d.data(), d.data() + d.size(), duration);
    if (ec != std::errc{} || p != d.data() + d.size())
      return sts_error{400, "ValidationError", validation("'" + d + "'", "durationSeconds", "Member must be a number")};
    if (duration < 900)
      return sts_error{400, "ValidationError",
                       validation("'" + d + "'", "durationSeconds", "Member must have value greater than or equal to 900")};
    if (duration > 43200)
      return sts_error{400, "ValidationError",
                       validation("'" + d + "'", "durationSeconds", "Member must have value less than or equal to 43200")};
  }
  return std::nullopt;
}

// The key id in "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sts/aws4_request, SignedHeaders=..., Signature=..."
// and the scope's service.
std::optional<std::pair<std::string, std::string>> credential_of(std::string_view auth) {
  auto at = auth.find("Credential=");
  if (at == std::string_view::npos || auth.find("Signature=") == std::string_view::npos) return std::nullopt;
  std::string_view cred = auth.substr(at + 11);
  cred = cred.substr(0, cred.find_first_of(", "));
  // AKID/date/region/service/aws4_request
  std::vector<std::string_view> parts;
  while (!cred.empty()) {
    auto slash = cred.find('/');
    parts.push_back(cred.substr(0, slash));
    cred = slash == std::string_view::npos ? std::string_view{} : cred.substr(slash + 1);
  }
  if (parts.size() != 5 || parts[0].empty() || parts[4] != "aws4_request") return std::nullopt;
  return std::pair{std::string(parts[0]), std::string(parts[3])};
}

class aws_sts_dialect final : public dialect {
 public:
  explicit aws_sts_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "aws_sts"; }
  bool accepts(const exchange& ex) const override {
    if (ex.path() != "/") return false;
    if (ex.method() == "GET") return ex.query_param("Action").has_value();
    // Only form bodies: Secrets Manager and friends also POST / but with application/x-amz-json-1.1.
    auto type = ex.field("Content-Type");
    return ex.method() == "POST" && type && type->starts_with("application/x-www-form-urlencoded");
  }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    auto form = parse_form(ex.query());
    if (ex.method() == "POST") {
      std::string body = co_await ex.read_body_string(64 << 10);
      for (auto& [k, v] : parse_form(body)) form.insert_or_assign(k, v);
    }
    const std::string action = form_value(form, "Action");
    std::string endpoint = "sts_other";
    if (action == "AssumeRoleWithWebIdentity") endpoint = "sts_assume_role_with_web_identity";
    else if (action == "AssumeRole") endpoint = "sts_assume_role";
    if (auto f = state_->begin("sts", endpoint)) {
      std::string code = f->error.empty() ? "AccessDenied" : f->error;
      co_return error_reply({f->status ? f->status : default_status(code), code,
                             f->message.empty() ? "forced failure (ferry_testd)" : f->message});
    }
    std::optional<sts_error> err;
    if (action.empty()) err = sts_error{400, "MissingAction", "Missing Action"};
    else if (endpoint == "sts_other")
      err = sts_error{400, "InvalidAction", "Could not find operation " + action + " for version " +
                                                form_value(form, "Version")};
    std::int64_t duration = 3600;
    if (!err) err = check_common(form, duration);
    const auth_config cfg = state_->config();
    if (!err && endpoint == "sts_assume_role") err = check_signed(ex, cfg);
    if (!err && endpoint == "sts_assume_role_with_web_identity") err = check_web_identity(form, cfg);
    if (err) {
      state_->rejected(endpoint);
      co_return error_reply(*err);
    }
    auto c = state_->issue_aws(endpoint, state_->lifetime("sts", duration));
    const std::string role = form_value(form, "RoleArn"), session = form_value(form, "RoleSessionName");
    state_->note("sts_role_arn", role);
    state_->note("sts_role_session_name", session);
    state_->note("sts_duration_seconds", std::to_string(duration));
    state_->note("sts_access_key_id", c.access_key_id);
    co_return success(action, c, role, session, cfg.sts.account_id);
  }

 private:
  std::optional<sts_error> check_signed(const exchange& ex, const auth_config& cfg) {
    auto auth = ex.field("Authorization");
    if (!auth) return sts_error{403, "MissingAuthenticationToken", "Request is missing Authentication Token"};
    auto cred = auth->starts_with("AWS4-HMAC-SHA256 ") ? credential_of(*auth) : std::nullopt;
    if (!cred)
      return sts_error{400, "IncompleteSignature",
                       "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters"};
    state_->note_assume_role_caller(cred->first);
    if (cred->second != "sts")
      return sts_error{403, "SignatureDoesNotMatch", "Credential should be scoped to correct service: 'sts'. "};
    const auto& allowed = cfg.sts.access_key_ids;
    const bool listed = std::find(allowed.begin(), allowed.end(), cred->first) != allowed.end();
    if (!allowed.empty() && !listed && !cfg.sts.require_issued_access_key)
      return sts_error{403, "InvalidClientTokenId", "The security token included in the request is invalid."};
    if (cfg.sts.require_issued_access_key && !listed) {
      // The caller must sign with credentials one of our endpoints issued, with their session token.
      auto issued = state_->find(cred->first);
      if (!issued || issued->kind != "aws" || issued->access_key_id != cred->first)
        return sts_error{403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      if (ex.field("X-Amz-Security-Token").value_or("") != issued->session_token)
        return sts_error{403, "InvalidClientTokenId", "The security token included in the request is invalid."};
      if (!issued->live()) return sts_error{403, "ExpiredToken", "The security token included in the request is expired"};
    }
    return std::nullopt;
  }

  std::optional<sts_error> check_web_identity(const std::map<std::string, std::string, std::less<>>& form,
                                              const auth_config& cfg) {
    const std::string token = form_value(form, "WebIdentityToken");
    if (token.size() < 4)
      return sts_error{400, "ValidationError",
                       validation(form.contains("WebIdentityToken") ? "'" + token + "'" : "null", "webIdentityToken",
                                  "Member must have length greater than or equal to 4")};
    if (!cfg.sts.web_identity_token.empty() && token != cfg.sts.web_identity_token)
      return sts_error{400, "InvalidIdentityToken", "Couldn't verify the web identity token"};
    // A JWT past its exp is refused the way STS does it, so token-file rotation can be tested.
    if (auto jwt = parse_jwt(token)) {
      auto exp = jwt->claims.if_contains("exp");
      if (exp && exp->is_number()) {
        const auto exp_s = static_cast<std::int64_t>(exp->to_number<double>());
        const auto now = auth_clock::now();
        if (exp_s <= epoch_seconds(now))
          return sts_error{400, "ExpiredTokenException",
                           "Token expired: current date/time " + iso8601(now) +
                               " must be before the expiration date/time " +
                               iso8601(auth_clock::time_point(std::chrono::seconds(exp_s)))};
      }
    }
    return std::nullopt;
  }

  static response success(const std::string& action, const issued_credential& c, const std::string& role_arn,
                          const std::string& session, const std::string& account) {
    // assumed-role ARN: arn:aws:sts::ACCOUNT:assumed-role/ROLE_NAME/SESSION
    std::string role_name = role_arn.substr(role_arn.rfind('/') == std::string::npos ? 0 : role_arn.rfind('/') + 1);
    std::string extra;
    if (action == "AssumeRoleWithWebIdentity")
      extra = "    <SubjectFromWebIdentityToken>system:serviceaccount:ferry:ferry</SubjectFromWebIdentityToken>\n"
              "    <Audience>sts.amazonaws.com</Audience>\n    <Provider>ferry_testd</Provider>\n";
    std::string body = "<" + action + "Response xmlns=\"" + std::string(sts_ns) + "\">\n  <" + action + "Result>\n" +
                       extra +
                       "    <AssumedRoleUser>\n      <AssumedRoleId>AROA" + random_chars(17, upper_alnum) + ":" +
                       xml_escape(session) + "</AssumedRoleId>\n      <Arn>arn:aws:sts::" + xml_escape(account) +
                       ":assumed-role/" + xml_escape(role_name) + "/" + xml_escape(session) +
                       "</Arn>\n    </AssumedRoleUser>\n    <Credentials>\n      <AccessKeyId>" + c.access_key_id +
                       "</AccessKeyId>\n      <SecretAccessKey>" + c.secret_access_key +
                       "</SecretAccessKey>\n      <SessionToken>" + c.session_token +
                       "</SessionToken>\n      <Expiration>" + iso8601(c.expires_at) +
                       "</Expiration>\n    </Credentials>\n  </" + action + "Result>\n" +
                       "  <ResponseMetadata>\n    <RequestId>" + random_uuid() +
                       "</RequestId>\n  </ResponseMetadata>\n</" + action + "Response>\n";
    return xml_reply(200, std::move(body));
  }

  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_aws_sts_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<aws_sts_dialect>(std::move(s));
}

}  // namespace ferry::testd
