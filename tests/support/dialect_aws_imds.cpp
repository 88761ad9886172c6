// EC2 instance metadata service (IMDSv2, optionally v1) under /latest/: session tokens, the instance
// role and its temporary credentials, region and the identity document. Answers the way IMDS does:
// text/plain bodies, an XHTML page for errors, the token TTL echoed in
// X-aws-ec2-metadata-token-ttl-seconds. Clients get here through AWS_EC2_METADATA_SERVICE_ENDPOINT.
#include "tests/support/credential_dialects.hpp"

#include <boost/json/serialize.hpp>

#include <charconv>

namespace ferry::testd {
namespace {

namespace json = boost::json;

constexpr std::string_view creds_path = "/latest/meta-data/iam/security-credentials/";

// IMDS error bodies are a small XHTML page naming the status.
response imds_error(unsigned status, std::string_view reason) {
  std::string title = std::to_string(status) + " - " + std::string(reason);
  return make_response(status,
                       "<?xml version=\"1.0\" encoding=\"iso-8859-1\"?>\n"
                       "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"\n"
                       "\t\"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n"
                       "<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"en\" lang=\"en\">\n"
                       " <head>\n  <title>" + title + "</title>\n </head>\n <body>\n  <h1>" + title +
                           "</h1>\n </body>\n</html>\n",
                       "text/html");
}

response text(std::string body) { return make_response(200, std::move(body), "text/plain"); }

// IMDS pretty-prints its JSON documents ("Key" : "value", two-space indent); some parsers in the
// wild are line-based, so keep that shape.
std::string pretty(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{\n";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    out += "  " + json::serialize(json::string(fields[i].first)) + " : " + json::serialize(json::string(fields[i].second));
    out += i + 1 < fields.size() ? ",\n" : "\n";
  }
  return out + "}";
}

class aws_imds_dialect final : public dialect {
 public:
  explicit aws_imds_dialect(std::shared_ptr<credential_state> s) : state_(std::move(s)) {}
  std::string_view name() const override { return "aws_imds"; }
  bool accepts(const exchange& ex) const override { return ex.path().starts_with("/latest/"); }

  boost::asio::awaitable<response> handle(exchange& ex) override {
    const std::string_view p = ex.path(), m = ex.method();
    // IMDS refuses proxied requests (a defence against SSRF through forwarding proxies).
    if (ex.field("X-Forwarded-For")) co_return imds_error(403, "Forbidden");
    if (p == "/latest/api/token") co_return issue_session_token(ex);
    if (m != "GET" && m != "HEAD") co_return imds_error(405, "Method Not Allowed");
    const std::string_view endpoint = p.starts_with(creds_path) && p.size() > creds_path.size() ? "imds_credentials"
                                      : p.starts_with(creds_path.substr(0, creds_path.size() - 1)) ? "imds_role"
                                                                                                  : "imds_metadata";
    const auth_config cfg = state_->config();
    // A forced failure stands for the service failing: it comes before any check of the request.
    if (auto f = state_->begin("imds", endpoint)) co_return forced(*f);
    // Session token check first, as IMDS does: a bad token is 401 whatever the path.
    std::optional<std::chrono::seconds> ttl_left;
    if (auto tok = ex.field("X-aws-ec2-metadata-token")) {
      auto c = state_->find(*tok);
      const auto now = auth_clock::now();
      if (!c || c->endpoint != "imds_token" || !c->live(now)) {
        state_->rejected(endpoint);
        co_return imds_error(401, "Unauthorized");
      }
      ttl_left = std::chrono::duration_cast<std::chrono::seconds>(c->expires_at - now);
    } else if (!cfg.imds.allow_v1) {
      state_->rejected(endpoint);
      co_return imds_error(401, "Unauthorized");
    }
    response r = serve(p, cfg, endpoint);
    if (ttl_left) r.headers.set("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl_left->count()));
    if (m == "HEAD") {
      r.content_length = r.body.size();
      r.omit_body = true;
    }
    co_return r;
  }

 private:
  response issue_session_token(exchange& ex) {
    if (ex.method() != "PUT") return imds_error(405, "Method Not Allowed");
    auto ttl_text = ex.field("X-aws-ec2-metadata-token-ttl-seconds");
    long ttl = 0;
    bool ok = false;
    if (ttl_text) {
      auto [ptr, ec] = std::from_chars(ttl_text->data(), ttl_text->data() + ttl_text->size(), ttl);
      ok = ec == std::errc{} && ptr == ttl_text->data() + ttl_text->size() && ttl >= 1 && ttl <= 21600;
    }
    if (auto f = state_->begin("imds", "imds_token")) return forced(*f);
    if (!ok) {
      state_->rejected("imds_token");
      return imds_error(400, "Bad Request");
    }
    // Real tokens are ~56 base64 characters starting "AQAEA"; clients must treat them as opaque.
    auto c = state_->issue_token("imds_token", "AQAEA" + random_chars(51, base64url_chars), std::chrono::seconds(ttl));
    response r = text(c.token);
    r.headers.set("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl));
    return r;
  }

  response serve(std::string_view p, const auth_config& cfg, std::string_view endpoint) {
    const std::string account = cfg.imds.account_id;
    if (endpoint == "imds_role") return text(cfg.imds.role);  // one role, no trailing newline (as IMDS)
    if (endpoint == "imds_credentials") {
      if (p.substr(creds_path.size()) != cfg.imds.role) {
        state_->rejected(endpoint);
        return imds_error(404, "Not Found");
      }
      auto c = state_->issue_aws("imds_credentials", state_->lifetime("imds"));
      state_->note("imds_access_key_id", c.access_key_id);
      return text(pretty({{"Code", "Success"},
                          {"LastUpdated", iso8601(c.issued_at)},
                          {"Type", "AWS-HMAC"},
                          {"AccessKeyId", c.access_key_id},
                          {"SecretAccessKey", c.secret_access_key},
                          {"Token", c.session_token},
                          {"Expiration", iso8601(c.expires_at)}}));
    }
    if (p == "/latest/meta-data/placement/region") return text(cfg.imds.region);
    if (p == "/latest/meta-data/placement/availability-zone") return text(cfg.imds.availability_zone);
    if (p == "/latest/meta-data/instance-id") return text(cfg.imds.instance_id);
    if (p == "/latest/meta-data/iam/info")
      return text(pretty({{"Code", "Success"},
                          {"LastUpdated", iso8601(auth_clock::now())},
                          {"InstanceProfileArn", "arn:aws:iam::" + account + ":instance-profile/" + cfg.imds.role},
                          {"InstanceProfileId", "AIPA" + std::string(16, 'F')}}));
    if (p == "/latest/dynamic/instance-identity/document") {
      // Numbers and nulls in the real document; the fields clients read (region, accountId) are strings.
      return text("{\n  \"accountId\" : " + json::serialize(json::string(account)) +
                  ",\n  \"architecture\" : \"x86_64\",\n  \"availabilityZone\" : " +
                  json::serialize(json::string(cfg.imds.availability_zone)) +
                  ",\n  \"imageId\" : \"ami-0123456789abcdef0\",\n  \"instanceId\" : " +
                  json::serialize(json::string(cfg.imds.instance_id)) +
                  ",\n  \"instanceType\" : \"m5.large\",\n  \"pendingTime\" : \"2024-01-01T00:00:00Z\",\n"
                  "  \"privateIp\" : \"10.0.0.1\",\n  \"region\" : " +
                  json::serialize(json::string(cfg.imds.region)) + ",\n  \"version\" : \"2017-09-30\"\n}");
    }
    if (p == "/latest/meta-data/" || p == "/latest/meta-data")
      return text("ami-id\nhostname\niam/\ninstance-id\ninstance-type\nplacement/\n");
    return imds_error(404, "Not Found");
  }

  // A forced failure (config "fail"): IMDS has no error codes, just statuses and its XHTML page.
  static response forced(const forced_failure& f) {
    unsigned status = f.status ? f.status : 500;
    if (!f.message.empty()) return make_response(status, f.message, "text/plain");
    return imds_error(status, f.error.empty() ? "Internal Server Error" : f.error);
  }

  std::shared_ptr<credential_state> state_;
};

}  // namespace

std::unique_ptr<dialect> make_aws_imds_dialect(std::shared_ptr<credential_state> s) {
  return std::make_unique<aws_imds_dialect>(std::move(s));
}

}  // namespace ferry::testd
