// Which Azure token source a (fake) environment selects, partial configurations, tenant / authority / scope
// validation, the shapes of the token requests, AADSTS error mapping, and secrets kept out of every error.
#include "src/auth/azure_token_credential_chain.hpp"
#include "src/auth/azure_token_sources.hpp"

#include "tests/integration/run_command.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/test/unit_test.hpp>

#include <array>
#include <map>

using namespace ferry;
using namespace ferry::auth;
namespace asio = boost::asio;

namespace {

const std::string secret = "SECRET-client-secret-value";
const std::string identity_header = "SECRET-identity-header";
const std::string tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";

using vars = std::map<std::string, std::string>;

env_lookup fake_env(const vars& v) {
  return [v](std::string_view name) -> std::optional<std::string> {
    auto it = v.find(std::string(name));
    if (it == v.end()) return std::nullopt;
    return it->second;
  };
}

std::string body_of(const http::request& r) {
  std::array<std::byte, 8192> buf;
  auto n = r.body->read(buf);
  return std::string(reinterpret_cast<const char*>(buf.data()), *n);
}

// application/x-www-form-urlencoded body → fields, decoding %XX.
std::map<std::string, std::string> form_fields(const std::string& body) {
  auto decode = [](std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '%' && i + 2 < s.size()) {
        out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += s[i] == '+' ? ' ' : s[i];
      }
    }
    return out;
  };
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start <= body.size()) {
    auto end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    std::string_view pair = std::string_view(body).substr(start, end - start);
    auto eq = pair.find('=');
    out[decode(pair.substr(0, eq))] = eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

void no_secrets_in(const failure& f) {
  for (const auto& s : {secret, identity_header})
    BOOST_TEST(f.what().find(s) == std::string::npos, "secret leaked into: " << f.what());
}

result<azure_token_source> select(const vars& v, azure_source_overrides o = {}) {
  return select_azure_token_source(fake_env(v), o);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(azure_token_sources)

BOOST_AUTO_TEST_CASE(client_secret_from_the_environment) {
  auto s = select({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "app-id"}, {"AZURE_CLIENT_SECRET", secret}});
  BOOST_REQUIRE(s);
  BOOST_TEST((s->kind == azure_token_source_kind::client_secret));
  BOOST_TEST(s->label == "environment (client secret)");
  BOOST_TEST(s->endpoint.scheme == "https");
  BOOST_TEST(s->endpoint.host == "login.microsoftonline.com");
  BOOST_TEST(s->endpoint.port == 443);
  BOOST_TEST(s->endpoint.target == "/" + tenant + "/oauth2/v2.0/token");
  BOOST_TEST(s->client_id == "app-id");
  BOOST_TEST(s->client_secret == secret);
  BOOST_TEST(s->skipped.empty());

  // The request: POST, form-encoded, every field the v2.0 endpoint wants.
  auto req = client_credentials_grant(s->endpoint, s->client_id, s->client_secret, "https://vault.azure.net/.default");
  BOOST_TEST(req.method == "POST");
  BOOST_TEST(*req.headers.find("Content-Type") == "application/x-www-form-urlencoded");
  auto form = form_fields(body_of(req));
  BOOST_TEST(form["grant_type"] == "client_credentials");
  BOOST_TEST(form["client_id"] == "app-id");
  BOOST_TEST(form["client_secret"] == secret);
  BOOST_TEST(form["scope"] == "https://vault.azure.net/.default");

  // Sovereign clouds through AZURE_AUTHORITY_HOST (a trailing slash is fine).
  auto gov = select({{"AZURE_TENANT_ID", "contoso.onmicrosoft.us"}, {"AZURE_CLIENT_ID", "app-id"},
                     {"AZURE_CLIENT_SECRET", secret}, {"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us/"}});
  BOOST_REQUIRE(gov);
  BOOST_TEST(gov->endpoint.host == "login.microsoftonline.us");
  BOOST_TEST(gov->endpoint.target == "/contoso.onmicrosoft.us/oauth2/v2.0/token");
}

BOOST_AUTO_TEST_CASE(workload_identity_request) {
  auto s = select({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "app-id"},
                   {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"},
                   {"AZURE_AUTHORITY_HOST", "http://127.0.0.1:8123"}});
  BOOST_REQUIRE(s);
  BOOST_TEST((s->kind == azure_token_source_kind::workload_identity));
  BOOST_TEST(s->federated_token_file == "/var/run/secrets/azure/tokens/azure-identity-token");
  BOOST_TEST(s->endpoint.scheme == "http");
  BOOST_TEST(s->endpoint.port == 8123);
  BOOST_TEST(s->endpoint.target == "/" + tenant + "/oauth2/v2.0/token");
  BOOST_TEST(s->skipped.size() == 1u);

  auto req = azure_client_assertion_grant(s->endpoint, s->client_id, "eyJh.eyJz.sig", "https://storage.azure.com/.default");
  BOOST_TEST(req.method == "POST");
  BOOST_TEST(req.is_idempotent());
  BOOST_TEST(body_of(req) ==
             "grant_type=client_credentials&client_id=app-id"
             "&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer"
             "&client_assertion=eyJh.eyJz.sig&scope=https%3A%2F%2Fstorage.azure.com%2F.default");
  BOOST_TEST(form_fields(body_of(req)).count("client_secret") == 0u);
}

BOOST_AUTO_TEST_CASE(order_secret_then_workload_then_managed_identity) {
  vars all{{"AZURE_TENANT_ID", tenant},          {"AZURE_CLIENT_ID", "app-id"},
           {"AZURE_CLIENT_SECRET", secret},      {"AZURE_FEDERATED_TOKEN_FILE", "/tmp/token"},
           {"IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token"}, {"IDENTITY_HEADER", identity_header}};
  BOOST_TEST((select(all)->kind == azure_token_source_kind::client_secret));
  all.erase("AZURE_CLIENT_SECRET");
  BOOST_TEST((select(all)->kind == azure_token_source_kind::workload_identity));
  all.erase("AZURE_FEDERATED_TOKEN_FILE");
  all.erase("AZURE_TENANT_ID");
  auto app = select(all);
  BOOST_REQUIRE(app);
  BOOST_TEST((app->kind == azure_token_source_kind::app_service));
  BOOST_TEST(app->client_id == "app-id");  // AZURE_CLIENT_ID alone: a user-assigned identity
  BOOST_TEST(app->identity_header == identity_header);
  BOOST_TEST(app->label.find(identity_header) == std::string::npos);
  all.erase("IDENTITY_ENDPOINT");
  all.erase("IDENTITY_HEADER");
  auto imds = select(all);
  BOOST_REQUIRE(imds);
  BOOST_TEST((imds->kind == azure_token_source_kind::imds));
  BOOST_TEST(imds->client_id == "app-id");
  BOOST_TEST(imds->endpoint.host == "169.254.169.254");
  BOOST_TEST(imds->endpoint.port == 80);
  BOOST_TEST(imds->skipped.size() == 3u);
  auto nothing = select({});
  BOOST_REQUIRE(nothing);
  BOOST_TEST((nothing->kind == azure_token_source_kind::imds));
  BOOST_TEST(nothing->client_id.empty());  // system-assigned
}

BOOST_AUTO_TEST_CASE(partial_configuration_names_the_missing_variables) {
  struct partial {
    vars env;
    std::vector<std::string> mentions;
  };
  const std::vector<partial> cases{
      {{{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "app"}}, {"AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE"}},
      {{{"AZURE_TENANT_ID", tenant}}, {"AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID"}},
      {{{"AZURE_CLIENT_ID", "app"}, {"AZURE_CLIENT_SECRET", secret}}, {"AZURE_TENANT_ID is not"}},
      {{{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_SECRET", secret}}, {"AZURE_CLIENT_ID is not"}},
      {{{"AZURE_CLIENT_SECRET", secret}}, {"AZURE_TENANT_ID and AZURE_CLIENT_ID are not"}},
      {{{"AZURE_FEDERATED_TOKEN_FILE", "/t"}, {"AZURE_CLIENT_ID", "app"}}, {"AZURE_TENANT_ID is not"}},
      {{{"AZURE_FEDERATED_TOKEN_FILE", "/t"}, {"AZURE_TENANT_ID", tenant}}, {"AZURE_CLIENT_ID is not"}},
      {{{"IDENTITY_ENDPOINT", "http://127.0.0.1:1/msi/token"}}, {"IDENTITY_HEADER is not"}},
      {{{"IDENTITY_HEADER", identity_header}}, {"IDENTITY_ENDPOINT is not"}},
      {{{"AZURE_CLIENT_CERTIFICATE_PATH", "/c.pem"}, {"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "a"}},
       {"AZURE_CLIENT_CERTIFICATE_PATH", "not supported"}},
      {{{"IDENTITY_ENDPOINT", "http://127.0.0.1:1/"}, {"IMDS_ENDPOINT", "http://127.0.0.1:2"}}, {"Azure Arc"}},
      {{{"IDENTITY_ENDPOINT", "http://127.0.0.1:1/"}, {"IDENTITY_HEADER", identity_header},
        {"IDENTITY_SERVER_THUMBPRINT", "AB"}}, {"Service Fabric"}},
  };
  for (const auto& c : cases) {
    auto s = select(c.env);
    BOOST_REQUIRE(!s);
    for (const auto& m : c.mentions)
      BOOST_TEST(s.error().message.find(m) != std::string::npos, "'" << m << "' in: " << s.error().message);
    no_secrets_in(s.error());
  }
}

BOOST_AUTO_TEST_CASE(tenant_ids) {
  for (const char* good : {"72f988bf-86f1-41af-91ab-2d7cd011db47", "contoso.onmicrosoft.com", "organizations",
                           "common", "adfs"})
    BOOST_TEST(validate_azure_tenant_id(good).has_value(), good);
  for (const char* bad : {"", "a/b", "a?b", "a#b", "..", "a..b", ".a", "a.", "a b", "a%2Fb", "a\nb", "x/../y",
                          "a\\b", "a:b", "a@b", "a&b", "t\xc3\xa9"}) {
    auto r = validate_azure_tenant_id(bad);
    BOOST_TEST(!r, bad);
  }
  BOOST_TEST(!validate_azure_tenant_id(std::string(257, 'a')));
  // Through selection: a path-escaping tenant never reaches a URL, and the error names the variable.
  auto s = select({{"AZURE_TENANT_ID", "../evil"}, {"AZURE_CLIENT_ID", "app"}, {"AZURE_CLIENT_SECRET", secret}});
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find("AZURE_TENANT_ID") != std::string::npos);
  no_secrets_in(s.error());
  auto w = select({{"AZURE_TENANT_ID", "t?x=1"}, {"AZURE_CLIENT_ID", "app"}, {"AZURE_FEDERATED_TOKEN_FILE", "/t"}});
  BOOST_REQUIRE(!w);
  BOOST_TEST(w.error().message.find("'?'") != std::string::npos);
  auto id = select({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "app id"}, {"AZURE_CLIENT_SECRET", secret}});
  BOOST_REQUIRE(!id);
  BOOST_TEST(id.error().message.find("AZURE_CLIENT_ID") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(authority_hosts) {
  struct good_case {
    const char* text;
    const char* host;
    const char* target;
  };
  for (auto [text, host, target] : {good_case{"https://login.microsoftonline.com", "login.microsoftonline.com", "/"},
                                    good_case{"https://login.chinacloudapi.cn/", "login.chinacloudapi.cn", "/"},
                                    good_case{"http://127.0.0.1:8080", "127.0.0.1", "/"},
                                    good_case{"http://localhost:1/", "localhost", "/"},
                                    good_case{"http://[::1]:9/", "::1", "/"},
                                    good_case{"https://adfs.contoso.com/adfs/", "adfs.contoso.com", "/adfs"}}) {
    auto u = parse_azure_authority_host(text);
    BOOST_REQUIRE_MESSAGE(u, text << ": " << (u ? "" : u.error().message));
    BOOST_TEST(u->host == host);
    BOOST_TEST(u->target == target);
  }
  BOOST_TEST(azure_token_endpoint(*parse_azure_authority_host("https://adfs.contoso.com/adfs/"), "adfs").target ==
             "/adfs/adfs/oauth2/v2.0/token");
  for (const char* bad : {"http://login.microsoftonline.com", "http://10.0.0.1", "login.microsoftonline.com",
                          "https://login.microsoftonline.com/?x=1", "https://login.microsoftonline.com/#f",
                          "https://h/a/../b", "https://h/./b", "ftp://login.microsoftonline.com",
                          "https://user:pw@login.microsoftonline.com", "https://h y", "https://h/%2e%2e", ""}) {
    auto u = parse_azure_authority_host(bad);
    BOOST_TEST(!u, bad);
    if (!u) BOOST_TEST(u.error().message.find("AZURE_AUTHORITY_HOST") != std::string::npos, u.error().message);
  }
  // Through selection, an http authority would carry the secret in clear: refused before any request.
  auto s = select({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "app"}, {"AZURE_CLIENT_SECRET", secret},
                   {"AZURE_AUTHORITY_HOST", "http://login.example.com"}});
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find("https") != std::string::npos);
  no_secrets_in(s.error());
}

BOOST_AUTO_TEST_CASE(scopes_and_resources) {
  BOOST_TEST(*azure_resource_for_scope("https://storage.azure.com/.default") == "https://storage.azure.com");
  BOOST_TEST(*azure_resource_for_scope("https://vault.azure.net/.default") == "https://vault.azure.net");
  for (const char* bad : {"", "/.default", "https://storage.azure.com/", "https://storage.azure.com/user_impersonation",
                          "https://a/.default https://b/.default", "https://a/.default\n"})
    BOOST_TEST(!azure_resource_for_scope(bad), bad);
}

BOOST_AUTO_TEST_CASE(managed_identity_requests) {
  auto app = select({{"IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token"}, {"IDENTITY_HEADER", identity_header}});
  BOOST_REQUIRE(app);
  auto req = azure_app_service_identity_request(app->endpoint, app->identity_header, "https://vault.azure.net", "cid");
  BOOST_TEST(req.method == "GET");
  BOOST_TEST(req.address.port == 41741);
  BOOST_TEST(req.address.target == "/msi/token?api-version=2019-08-01&resource=https%3A%2F%2Fvault.azure.net&client_id=cid");
  BOOST_TEST(*req.headers.find("X-IDENTITY-HEADER") == identity_header);
  BOOST_TEST(!req.headers.find("Metadata"));
  auto with_query = azure_app_service_identity_request(*http::url::parse("http://127.0.0.1:1/msi/token?x=1"), "h", "r");
  BOOST_TEST(with_query.address.target == "/msi/token?x=1&api-version=2019-08-01&resource=r");

  // IMDS: default address, AZURE_POD_IDENTITY_AUTHORITY_HOST, then the explicit option.
  auto pod = select({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://10.1.2.3:2579"}});
  BOOST_REQUIRE(pod);
  BOOST_TEST(pod->endpoint.host == "10.1.2.3");
  BOOST_TEST(pod->endpoint.port == 2579);
  auto opt = select({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://10.1.2.3:2579"}}, {"http://127.0.0.1:9"});
  BOOST_REQUIRE(opt);
  BOOST_TEST(opt->endpoint.port == 9);
  auto imds = azure_managed_identity_request(opt->endpoint, "https://storage.azure.com", "");
  BOOST_TEST(imds.address.target ==
             "/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https%3A%2F%2Fstorage.azure.com");
  BOOST_TEST(*imds.headers.find("Metadata") == "true");
  BOOST_TEST(!select({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://10.1.2.3/metadata"}}));
  BOOST_TEST(!select({{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "10.1.2.3"}}));
  BOOST_TEST(!select({{"IDENTITY_ENDPOINT", "not a url"}, {"IDENTITY_HEADER", "h"}}));
  auto crlf = select({{"IDENTITY_ENDPOINT", "http://127.0.0.1:1/"}, {"IDENTITY_HEADER", identity_header + "\r\nX: y"}});
  BOOST_REQUIRE(!crlf);
  no_secrets_in(crlf.error());
}

BOOST_AUTO_TEST_CASE(federated_token_files) {
  test::temp_dir dir;
  test::write_file(dir / "token", "  eyJh.eyJz.sig\n\n");
  BOOST_TEST(*read_azure_federated_token(dir / "token") == "eyJh.eyJz.sig");

  auto missing = read_azure_federated_token(dir / "absent");
  BOOST_REQUIRE(!missing);
  BOOST_TEST((missing.error().kind == error::not_found));
  BOOST_TEST(missing.error().message.find(std::string(dir / "absent")) != std::string::npos);
  // A path through a regular file fails with ENOTDIR even for root (chmod 000 would not stop root).
  auto through_file = read_azure_federated_token(dir / "token/x");
  BOOST_REQUIRE(!through_file);
  BOOST_TEST(through_file.error().message.find("AZURE_FEDERATED_TOKEN_FILE") != std::string::npos);
  BOOST_TEST(through_file.error().message.find(std::string(dir / "token/x")) != std::string::npos);
  BOOST_TEST(!read_azure_federated_token(dir.path()));  // a directory

  test::write_file(dir / "empty", " \n");
  auto empty = read_azure_federated_token(dir / "empty");
  BOOST_REQUIRE(!empty);
  BOOST_TEST(empty.error().message.find("empty") != std::string::npos);
  test::write_file(dir / "huge", std::string(65 * 1024, 'a'));
  BOOST_TEST(!read_azure_federated_token(dir / "huge"));
}

BOOST_AUTO_TEST_CASE(entra_and_managed_identity_errors) {
  http::request req;
  req.method = "POST";
  req.address = *http::url::parse("https://login.microsoftonline.com/t/oauth2/v2.0/token");
  http::response resp;
  resp.status = 401;
  resp.body = R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1\r\nCorrelation ID: 2","error_codes":[7000215]})";
  auto f = map_azure_token_error(req, resp);
  BOOST_TEST(f.service_code == "invalid_client");
  BOOST_TEST((f.kind == error::access_denied));
  BOOST_TEST(f.http_status == 401);
  BOOST_TEST(f.message.find("AADSTS7000215: Invalid client secret provided.") != std::string::npos, f.message);
  BOOST_TEST(f.message.find("Trace ID") == std::string::npos);  // first line only
  BOOST_TEST(!is_retryable(f));

  resp.status = 400;
  resp.body = R"({"error":"invalid_request","error_codes":[90002]})";
  auto codes_only = map_azure_token_error(req, resp);
  BOOST_TEST(codes_only.message.find("AADSTS90002") != std::string::npos, codes_only.message);
  BOOST_TEST(codes_only.service_code == "invalid_request");

  resp.body = R"({"error":"invalid_request","error_description":"Identity not found"})";  // IMDS
  auto msi = map_azure_token_error(req, resp);
  BOOST_TEST(msi.message.find("Identity not found") != std::string::npos);
  BOOST_TEST(msi.message.find("AADSTS") == std::string::npos);

  resp.status = 502;
  resp.body = "<html>bad gateway</html>";
  auto html = map_azure_token_error(req, resp);
  BOOST_TEST((html.kind == error::server_error));
  BOOST_TEST(html.message.find("html") == std::string::npos);

  resp.status = 400;
  resp.body = "{\"error\":\"x\",\"error_description\":\"evil\\u001b[31m text\"}";
  BOOST_TEST(map_azure_token_error(req, resp).message.find('\x1b') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(redaction) {
  failure f(error::access_denied, "sent " + secret + " and " + secret + "; header " + identity_header);
  auto r = redact_secrets(f, {secret, identity_header, ""});
  BOOST_TEST(r.message == "sent [redacted] and [redacted]; header [redacted]");
  // A secret that is part of the marker itself must not loop.
  BOOST_TEST(redact_secrets(failure(error::access_denied, "a-d-a"), {"d"}).message == "a-[redacted]-a");
  BOOST_TEST(redact_secrets(failure(error::access_denied, "rr"), {"r"}).message == "[redacted][redacted]");
}

BOOST_AUTO_TEST_CASE(chain_options_and_configuration_errors) {
  azure_token_options defaults;
  BOOST_TEST(defaults.scope == "https://storage.azure.com/.default");
  BOOST_TEST(defaults.refresh_margin.count() == 300);
  // IMDS may not exist: the metadata client must give up on a silent address quickly.
  BOOST_TEST(defaults.metadata_http.connect_timeout.count() <= 1000);
  BOOST_TEST(defaults.http.connect_timeout.count() > defaults.metadata_http.connect_timeout.count());

  // Configuration errors come back from get() before any I/O (no sockets here), with no secret in them.
  asio::io_context io;
  auto run = [&](azure_token_credential_chain& chain, std::optional<std::string> scope = std::nullopt) {
    auto f = scope ? asio::co_spawn(io, chain.get(*scope), asio::use_future) : asio::co_spawn(io, chain.get(), asio::use_future);
    io.restart();
    io.run();
    return f.get();
  };
  azure_token_options o;
  o.env = fake_env({{"AZURE_CLIENT_ID", "app"}, {"AZURE_CLIENT_SECRET", secret}});
  azure_token_credential_chain partial(io.get_executor(), o);
  auto r = run(partial);
  BOOST_REQUIRE(!r);
  BOOST_TEST(r.error().message.find("AZURE_TENANT_ID") != std::string::npos);
  no_secrets_in(r.error());
  BOOST_TEST(partial.source().empty());

  o.env = fake_env({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", "app"}, {"AZURE_CLIENT_SECRET", secret}});
  azure_token_credential_chain bad_scope(io.get_executor(), o);
  auto s = run(bad_scope, "https://storage.azure.com/");
  BOOST_REQUIRE(!s);
  BOOST_TEST(s.error().message.find("/.default") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
