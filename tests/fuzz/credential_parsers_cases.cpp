// Hostile input for every parser of credential material: the AWS shared config/credentials files, the AWS
// credentials JSON (IMDS, container endpoint, credential_process) and its ISO-8601 dates, STS XML answers, OAuth2
// token responses, Azure connection strings and the Azure user delegation key. Deterministic mutations of valid
// seeds plus targeted cases. A case passes when nothing crashes or trips a sanitizer, every rejection is a clean
// error, every acceptance is sane, and no error repeats a secret from the input.
#include "tests/fuzz/mutator.hpp"

#include "src/auth/aws_config_file.hpp"
#include "src/auth/aws_credentials_json.hpp"
#include "src/auth/aws_sts.hpp"
#include "src/auth/azure_connection_string.hpp"
#include "src/auth/azure_user_delegation_key.hpp"
#include "src/auth/oauth2_token.hpp"

#include <boost/test/unit_test.hpp>

using namespace ferry;
using namespace ferry::auth;

namespace {

constexpr int iterations = 20000;

// Secrets in the seeds carry this marker: while a mutated input still holds the whole marker, an error that
// holds it has echoed a secret.
const std::string marker = "S3CRET/MARK/";  // a '/' so that no code-shaped echo (Code, root name) can hold it
const std::string aws_secret = "wJalrXUtnFEMI/K7MDENG/" + marker + "bPxRfiCY";
const std::string aws_token = "IQoJb3JpZ2luX2VjE" + marker + "Token/Xx==";

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

// The rules every rejection follows: a kind, a message, one line, bounded, and no secret.
void check_failure(const failure& f, std::string_view input) {
  BOOST_REQUIRE(f.kind != error::ok);
  BOOST_REQUIRE(!f.message.empty());
  BOOST_REQUIRE(f.message.size() < 1024);
  BOOST_REQUIRE(f.what().find('\n') == std::string::npos);
  if (input.find(marker) != std::string_view::npos)
    BOOST_REQUIRE_MESSAGE(f.what().find(marker) == std::string::npos, "error echoes a secret: " << f.what());
}

// Credentials go into HTTP headers (Authorization, X-Amz-Security-Token): no control characters, ever.
void check_aws_credentials(const signing::aws_credentials& c) {
  BOOST_REQUIRE(!c.access_key_id.empty());
  BOOST_REQUIRE(!c.secret_access_key.empty());
  BOOST_REQUIRE_MESSAGE(!has_control(c.access_key_id), "control character in an access key id");
  BOOST_REQUIRE_MESSAGE(!has_control(c.secret_access_key), "control character in a secret access key");
  BOOST_REQUIRE_MESSAGE(!has_control(c.session_token), "control character in a session token");
}

const std::string credentials_seed = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = " +
                                     aws_secret + "\naws_session_token=" + aws_token +
                                     "\n\n# comment\n; other comment\n[dev]\naws_access_key_id=AKDEV\n"
                                     "aws_secret_access_key=" + aws_secret + "\n";
const std::string config_seed =
    "[default]\nregion = us-east-1\n[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\n"
    "source_profile = default\nrole_session_name = me\nduration_seconds = 900\ns3 =\n  addressing_style = path\n"
    "  endpoint_url = http://127.0.0.1:9000\n[profile proc]\ncredential_process = /bin/echo " + marker + "\n"
    "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\n[services s3x]\ns3 =\n  endpoint_url = x\n";

const std::string imds_seed = "{\n  \"Code\" : \"Success\",\n  \"LastUpdated\" : \"2024-01-01T00:00:00Z\",\n"
                              "  \"Type\" : \"AWS-HMAC\",\n  \"AccessKeyId\" : \"ASIAIMDSEXAMPLE\",\n"
                              "  \"SecretAccessKey\" : \"" + aws_secret + "\",\n  \"Token\" : \"" + aws_token +
                              "\",\n  \"Expiration\" : \"2030-01-01T00:00:00Z\"\n}";
const std::string ecs_seed = R"({"RoleArn":"arn:aws:iam::1:role/x","AccessKeyId":"ASIAECS","SecretAccessKey":")" +
                             aws_secret + R"(","Token":")" + aws_token + R"(","Expiration":"2030-01-01T00:00:00.123Z"})";
const std::string process_seed = R"({"Version":1,"AccessKeyId":"AKPROC","SecretAccessKey":")" + aws_secret +
                                 R"(","SessionToken":")" + aws_token + R"(","Expiration":"2030-01-01T00:00:00+02:00"})";

std::string sts_seed(const std::string& action) {
  return "<" + action + "Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n  <" + action +
         "Result>\n    <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn></AssumedRoleUser>\n"
         "    <Credentials>\n      <AccessKeyId>ASIASTSEXAMPLE</AccessKeyId>\n      <SecretAccessKey>" +
         aws_secret + "</SecretAccessKey>\n      <SessionToken>" + aws_token +
         "</SessionToken>\n      <Expiration>2030-01-01T00:00:00Z</Expiration>\n    </Credentials>\n  </" + action +
         "Result>\n  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>\n</" + action + "Response>\n";
}
const std::string sts_error_seed =
    "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error>"
    "<RequestId>r</RequestId></ErrorResponse>";

const std::string account_key = "Zm9vYmFyYmF6" + marker + "QUJDREVGR0hJSktMTU5PUA==";  // valid base64
const std::string sas = "sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&sig=" + marker + "abc%2Bdef%3D";

const std::string udk_seed =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey><SignedOid>11111111-1111-1111-1111-111111111111"
    "</SignedOid><SignedTid>22222222-2222-2222-2222-222222222222</SignedTid><SignedStart>2024-01-01T00:00:00Z"
    "</SignedStart><SignedExpiry>2024-01-02T00:00:00Z</SignedExpiry><SignedService>b</SignedService>"
    "<SignedVersion>2022-11-02</SignedVersion><Value>" + account_key + "</Value></UserDelegationKey>";

const auto fixed_now = wall_clock::time_point(std::chrono::seconds(1'700'000'000));

}  // namespace

BOOST_AUTO_TEST_SUITE(fuzz_credential_parsers)

// ---- AWS shared files ---------------------------------------------------------------------------------------

void check_config_result(const result<aws_config_file>& r, std::string_view input) {
  if (!r) {
    check_failure(r.error(), input);
    BOOST_REQUIRE(r.error().message.starts_with("src:"));  // names the file (and line)
    return;
  }
  for (const auto* list : {&r->profiles, &r->other_sections}) {
    for (const auto& p : *list) {
      BOOST_REQUIRE(!p.name.empty());
      for (const auto& [k, v] : p.values) {
        BOOST_REQUIRE(!k.empty());
        BOOST_REQUIRE(k.find_first_of(" \t\r\n") == std::string::npos);
        for (char c : k) BOOST_REQUIRE(!(c >= 'A' && c <= 'Z'));
        BOOST_REQUIRE(v.find('\0') == std::string::npos);
        BOOST_REQUIRE(v.find('\r') == std::string::npos || v.find('\r') != 0);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(aws_config_file_mutations) {
  fuzz::mutator m({credentials_seed, config_seed});
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    std::string input = m.next();
    for (auto kind : {aws_file_kind::credentials, aws_file_kind::config}) {
      auto r = parse_aws_config(input, kind, "src");
      check_config_result(r, input);
      accepted += r.has_value();
    }
  }
  BOOST_TEST(accepted > 0);
}

BOOST_AUTO_TEST_CASE(aws_config_file_hostile) {
  auto parse = [](std::string_view text, aws_file_kind kind = aws_file_kind::config) {
    auto r = parse_aws_config(text, kind, "src");
    check_config_result(r, text);
    return r;
  };
  // NUL byte: refused with the line number, without the line.
  auto nul = parse(std::string("[default]\naws_secret_access_key = ab\0", 37) + marker + "\n");
  BOOST_REQUIRE(!nul);
  BOOST_TEST(nul.error().message.find(":2:") != std::string::npos, nul.error().message);

  // A pasted secret on a line without '=': an error that does not repeat it.
  auto no_eq = parse("[default]\n" + aws_secret + "\n");
  BOOST_REQUIRE(!no_eq);
  BOOST_TEST(no_eq.error().message.find("expected 'key = value'") != std::string::npos);

  // Huge lines and files: the limits are errors, just under them is fine.
  BOOST_TEST(parse("[default]\nk = " + std::string(max_aws_config_line - 4, 'x') + "\n").has_value());
  BOOST_TEST(!parse("[default]\nk = " + std::string(max_aws_config_line, 'x') + "\n"));
  BOOST_TEST(!parse("[" + std::string(max_aws_config_line + 1, 'p') + "]"));
  BOOST_TEST(!parse(std::string(max_aws_config_bytes + 1, '\n')));
  // Many tiny sections: linear enough to finish, every one kept.
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "[profile p" + std::to_string(i) + "]\nregion = r\n";
  auto lots = parse(many);
  BOOST_REQUIRE(lots);
  BOOST_TEST(lots->profiles.size() == 5000u);

  // CRLF files read like LF files: no '\r' in names or values.
  auto crlf = parse("[profile dev]\r\nregion = eu-west-1\r\ns3 =\r\n  addressing_style = path\r\n");
  BOOST_REQUIRE(crlf);
  BOOST_REQUIRE(crlf->find("dev"));
  BOOST_TEST(*crlf->find("dev")->region() == "eu-west-1");
  BOOST_TEST(*crlf->find("dev")->s3_addressing_style() == "path");

  // Section header tricks.
  auto headers = parse("[profile]\na = 1\n[profiledev]\nb = 2\n[ profile   spaced  ]\nc = 3\n[dev]\nd = 4\n"
                       "[profile default]\ne = 5\n[default]\nf = 6\n[profile\tx] ; comment\ng = 7\n");
  BOOST_REQUIRE(headers);
  BOOST_TEST(!headers->find("profile"));  // "[profile]" is not a profile named "" nor "profile"
  BOOST_TEST(!headers->find(""));
  auto blank = parse("[profile ]\na = 1\n");  // the same as "[profile]"
  BOOST_REQUIRE(blank);
  BOOST_TEST(blank->profiles.empty());
  BOOST_TEST(!headers->find("profiledev"));
  BOOST_TEST(!headers->find("dev"));  // config files need "profile " before a name
  BOOST_REQUIRE(headers->find("spaced"));
  BOOST_REQUIRE(headers->find("x"));
  BOOST_REQUIRE(headers->find("default"));
  BOOST_TEST(headers->find("default")->values.size() == 2u);  // [profile default] and [default] are one
  auto cred_headers = parse("[profile dev]\na = 1\n", aws_file_kind::credentials);
  BOOST_REQUIRE(cred_headers);
  BOOST_TEST(!cred_headers->find("dev"));  // the credentials file takes names literally
  for (std::string bad : {"[dev", "[]", "[ ]", "[dev] junk", "[dev]]"})
    BOOST_TEST(!parse(bad + "\nk = v\n"), bad);
  BOOST_TEST(!parse("k = v\n[default]\n"));  // a setting before any section

  // Duplicate keys: the later wins; keys are case-insensitive; a repeated section adds to the first.
  auto dup = parse("[default]\nRegion = a\nregion = b\n[profile x]\nk = 1\n[default]\nREGION = c\n");
  BOOST_REQUIRE(dup);
  BOOST_TEST(*dup->find("default")->region() == "c");
  BOOST_TEST(dup->profiles.size() == 2u);

  // Unicode: a BOM, UTF-8 names and values pass through untouched.
  auto utf8 = parse("\xEF\xBB\xBF[profile caf\xC3\xA9]\nregion = \xE2\x82\xAC\n");
  BOOST_REQUIRE(utf8);
  BOOST_REQUIRE(utf8->find("caf\xC3\xA9"));
  BOOST_TEST(*utf8->find("caf\xC3\xA9")->region() == "\xE2\x82\xAC");

  // Missing key, '=' only, space inside a key.
  for (std::string bad : {"= v", "=", "a b = c"}) BOOST_TEST(!parse("[default]\n" + bad + "\n"), bad);
  // Empty values and values holding '='.
  auto eq = parse("[default]\nk =\nj = a=b=c\n");
  BOOST_REQUIRE(eq);
  BOOST_TEST(*eq->find("default")->get("j") == "a=b=c");
}

// ---- AWS credentials JSON and dates -------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(aws_credentials_json_mutations) {
  fuzz::mutator m({imds_seed, ecs_seed, process_seed});
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    std::string input = m.next();
    auto r = parse_aws_credentials_json(input, "IMDS");
    if (!r) {
      check_failure(r.error(), input);
      BOOST_REQUIRE(r.error().message.find("IMDS") != std::string::npos);
      continue;
    }
    ++accepted;
    check_aws_credentials(r->value);
  }
  BOOST_TEST(accepted > 0);
}

BOOST_AUTO_TEST_CASE(aws_credentials_json_hostile) {
  auto parse = [](std::string_view body) {
    auto r = parse_aws_credentials_json(body, "IMDS");
    if (!r) check_failure(r.error(), body);
    else check_aws_credentials(r->value);
    return r;
  };
  const std::string fields = R"("AccessKeyId":"AK","SecretAccessKey":")" + aws_secret + "\"";
  // Deep nesting: refused, no stack exhaustion.
  BOOST_TEST(!parse(std::string(100000, '[') + std::string(100000, ']')));
  BOOST_TEST(!parse("{\"a\":" + std::string(50000, '{')));
  // Too large.
  BOOST_TEST(!parse("{" + fields + ",\"pad\":\"" + std::string(70000, 'x') + "\"}"));
  // Duplicate keys: some value, never a crash; both candidates are sane.
  auto dup = parse(R"({"AccessKeyId":"A1","AccessKeyId":"A2","SecretAccessKey":"s"})");
  BOOST_REQUIRE(dup);
  BOOST_TEST((dup->value.access_key_id == "A1" || dup->value.access_key_id == "A2"));
  // NUL, CR/LF and other control characters in fields that become header values.
  for (std::string bad : {R"(\u0000)", R"(\r\n)", R"(\n)", R"(\u007f)"}) {
    BOOST_TEST(!parse(R"({"AccessKeyId":"AK)" + bad + R"(X","SecretAccessKey":"s"})"), bad);
    BOOST_TEST(!parse("{" + fields + R"(,"Token":"T)" + bad + R"(X"})"), bad);
  }
  // Unicode in the key id is not a header-safe token either, but must not crash.
  (void)parse(R"({"AccessKeyId":"\u00e9\ud83d\ude00","SecretAccessKey":"s"})");
  // Wrong types: a number where a string belongs is an error, not a silently missing field.
  BOOST_TEST(!parse(R"({"AccessKeyId":12,"SecretAccessKey":"s"})"));
  BOOST_TEST(!parse("{" + fields + R"(,"Expiration":1893456000})"));
  BOOST_TEST(!parse("{" + fields + R"(,"Expiration":null})"));
  BOOST_TEST(!parse("{" + fields + R"(,"Token":7})"));
  // A failure code in IMDS's style: refused, naming the code.
  auto code = parse("{" + fields + R"(,"Code":"AssumeRoleUnauthorizedAccess"})");
  BOOST_REQUIRE(!code);
  BOOST_TEST(code.error().message.find("AssumeRoleUnauthorizedAccess") != std::string::npos);
  // Impossible dates.
  for (std::string date : {"9999-99-99T99:99:99Z", "2024-02-30T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-01",
                           "2024-01-01T00:00:00", "2024-01-01T00:00:00+24:00", "-2024-01-01T00:00:00Z", ""})
    BOOST_TEST(!parse("{" + fields + R"(,"Expiration":")" + date + "\"}"), date);
}

BOOST_AUTO_TEST_CASE(iso8601_dates) {
  using namespace std::chrono;
  auto at = [](std::string_view s) { return parse_iso8601_utc(s); };
  auto epoch = [](int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0) {
    return wall_clock::time_point(sys_days(year(y) / month(mo) / day(d)) + hours(h) + minutes(mi) + seconds(s));
  };
  BOOST_TEST((at("2024-02-29T12:34:56Z") == epoch(2024, 2, 29, 12, 34, 56)));
  BOOST_TEST((at("2024-02-29 12:34:56z") == epoch(2024, 2, 29, 12, 34, 56)));
  BOOST_TEST((at("2024-01-01T02:00:00+02:00") == epoch(2024, 1, 1)));
  BOOST_TEST((at("2023-12-31T22:00:00-02:00") == epoch(2024, 1, 1)));
  BOOST_TEST((at("2024-01-01T00:00:00.999999999999999999999Z") == epoch(2024, 1, 1)));
  for (std::string_view bad : {"9999-99-99T00:00:00Z", "2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z",
                               "2024-01-01T24:00:00Z", "2024-01-01T00:60:00Z", "2024-01-01T00:00:61Z",
                               "2024-01-01T00:00:00+02", "2024-01-01T00:00:00+0200", "2024-01-01T00:00:00.Zx",
                               "2024-01-01T00:00:00ZZ", "２０２４-01-01T00:00:00Z", "", "Z", "2024"})
    BOOST_TEST(!at(bad).has_value(), bad);
  // Far dates must not overflow the clock's nanosecond count (UB): they clamp to the ends of its range and
  // keep their order.
  auto far = at("9999-12-31T23:59:59Z");
  BOOST_REQUIRE(far);
  BOOST_TEST((*far > epoch(2200, 1, 1)));
  auto early = at("0000-01-01T00:00:00Z");
  BOOST_REQUIRE(early);
  BOOST_TEST((*early < epoch(1900, 1, 1)));
  fuzz::mutator m({"2024-02-29T12:34:56Z", "2030-01-01T00:00:00.123+05:30", "1970-01-01T00:00:00Z",
                   "9999-12-31T23:59:60-23:59"});
  for (int i = 0; i < iterations; ++i) (void)at(m.next());
}

// ---- STS XML ------------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(sts_xml_mutations) {
  fuzz::mutator m({sts_seed("AssumeRole"), sts_seed("AssumeRoleWithWebIdentity"), sts_error_seed});
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    std::string input = m.next();
    auto r = parse_sts_credentials(input);
    if (!r) {
      check_failure(r.error(), input);
      BOOST_REQUIRE(r.error().message.starts_with("STS response"));
      continue;
    }
    ++accepted;
    check_aws_credentials(r->value);
    BOOST_REQUIRE(r->expires.has_value());
  }
  BOOST_TEST(accepted > 0);
}

BOOST_AUTO_TEST_CASE(sts_xml_hostile) {
  auto parse = [](std::string_view xml) {
    auto r = parse_sts_credentials(xml);
    if (!r) check_failure(r.error(), xml);
    else check_aws_credentials(r->value);
    return r;
  };
  std::string good = sts_seed("AssumeRole");
  BOOST_REQUIRE(parse(good));
  // An error document is not credentials.
  BOOST_TEST(!parse(sts_error_seed));
  // Entity tricks: no expansion of custom entities, no external entities, no blow-up.
  std::string bomb = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY a \"" + marker +
                     "\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;\">"
                     "<!ENTITY x SYSTEM \"file:///etc/passwd\">]>";
  auto bombed = parse(bomb + "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>&c;</AccessKeyId>"
                             "<SecretAccessKey>&x;</SecretAccessKey><SessionToken>t</SessionToken><Expiration>"
                             "2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>");
  if (bombed) BOOST_TEST(bombed->value.access_key_id.find(marker) == std::string::npos);
  // Deep nesting and width.
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<a>";
  BOOST_TEST(!parse(deep));
  BOOST_TEST(!parse(std::string(300 * 1024, ' ') + good));  // over the size limit
  // Control characters in what becomes header values: refused (numeric references and CDATA alike).
  for (std::string bad : {"AK&#10;X", "AK&#13;&#10;X", "<![CDATA[AK\r\nX]]>", "AK&#x7f;"}) {
    std::string doc = good;
    doc.replace(doc.find("ASIASTSEXAMPLE"), 14, bad);
    BOOST_TEST(!parse(doc), bad);
    doc = good;
    doc.replace(doc.find(aws_token), aws_token.size(), bad);
    BOOST_TEST(!parse(doc), bad);
  }
  // Surrounding whitespace (pretty-printed answers) is not part of a value.
  std::string spaced = good;
  spaced.replace(spaced.find("ASIASTSEXAMPLE"), 14, "\n   ASIASTSEXAMPLE  \n");
  auto sp = parse(spaced);
  if (sp) BOOST_TEST(sp->value.access_key_id == "ASIASTSEXAMPLE");
  // Missing or impossible expiration.
  for (std::string date : {"", "9999-99-99T00:00:00Z", "tomorrow"}) {
    std::string doc = good;
    doc.replace(doc.find("2030-01-01T00:00:00Z"), 20, date);
    BOOST_TEST(!parse(doc), date);
  }
  // Unicode and NUL inside the document.
  BOOST_TEST(!parse(std::string("<AssumeRoleResponse>\0</AssumeRoleResponse>", 43)));
  (void)parse("<\xE2\x82\xAC><\xE2\x82\xAC" "Result/></\xE2\x82\xAC>");
}

// ---- OAuth2 token responses -----------------------------------------------------------------------------------

void check_token_result(const result<expiring_token>& r, std::string_view input) {
  if (!r) {
    check_failure(r.error(), input);
    return;
  }
  BOOST_REQUIRE(!r->value.access_token.empty());
  BOOST_REQUIRE(r->expires.has_value());
}

BOOST_AUTO_TEST_CASE(oauth2_token_response_mutations) {
  fuzz::mutator m({R"({"access_token":"ya29.)" + marker + R"(","expires_in":3599,"token_type":"Bearer"})",
                   R"({"token_type":"Bearer","expires_in":"3599","ext_expires_in":3599,"access_token":"eyJ0)" + marker +
                       R"("})",
                   R"({"access_token":"eyJ0)" + marker + R"(","expires_on":"1700003600","token_type":"Bearer"})",
                   R"({"access_token":"eyJ0)" + marker + R"(","expires_on":1700003600,"expires_in":"3599"})",
                   R"({"error":"invalid_grant","error_description":"Bad Request"})"});
  for (int i = 0; i < iterations; ++i) {
    std::string input = m.next();
    check_token_result(parse_token_response(input, fixed_now, "token endpoint"), input);
  }
}

BOOST_AUTO_TEST_CASE(oauth2_token_response_hostile) {
  auto parse = [](std::string_view body) {
    auto r = parse_token_response(body, fixed_now, "token endpoint");
    check_token_result(r, body);
    return r;
  };
  const std::string tok = R"("access_token":"ya29.)" + marker + "\"";
  for (std::string in : {"0", "-1", "-3600", "\"-5\"", "\"0\"", "315360001"})
    BOOST_TEST(!parse("{" + tok + ",\"expires_in\":" + in + "}"), in);
  auto ok = parse("{" + tok + ",\"expires_in\":\"3600\"}");
  BOOST_REQUIRE(ok);
  BOOST_TEST((*ok->expires == fixed_now + std::chrono::seconds(3600)));
  BOOST_TEST(!parse(std::string(100000, '[')));
  BOOST_TEST(!parse(R"({"access_token":""})"));
  BOOST_TEST(!parse(R"({"access_token":7,"expires_in":1})"));
  auto refused = parse(R"({"error":"invalid_grant\r\nX-Evil: 1","error_description":")" + marker + "\"}");
  BOOST_REQUIRE(!refused);
  BOOST_TEST(refused.error().service_code.find('\n') == std::string::npos);
}

// Found by these suites (and fixed): numbers a clock cannot hold, negative or unparsable expiries, and a token that
// would inject a header line.
BOOST_AUTO_TEST_CASE(oauth2_token_response_numbers_and_injection) {
  auto parse = [](std::string_view body) {
    auto r = parse_token_response(body, fixed_now, "token endpoint");
    check_token_result(r, body);
    return r;
  };
  const std::string tok = R"("access_token":"ya29.)" + marker + "\"";
  for (std::string field : {"expires_in", "expires_on"})
    for (std::string in : {"1e300", "-1e300", "99999999999999999999", "\"99999999999999999999\"", "99999999999",
                           "\"\"", "\"12abc\"", "1.5", "true", "[]", "-5", "\"-5\""})
      BOOST_TEST(!parse("{" + tok + ",\"" + field + "\":" + in + "}"), field << "=" << in);
  auto on = parse("{" + tok + ",\"expires_on\":\"1700003600\"}");
  BOOST_REQUIRE(on);
  BOOST_TEST((*on->expires == wall_clock::time_point(std::chrono::seconds(1700003600))));
  BOOST_TEST(!parse(R"({"access_token":"ya29.a\r\nX-Evil: 1","expires_in":3600})"));
  BOOST_TEST(!parse(R"({"access_token":"ya29.a\u0000b","expires_in":3600})"));
}

// ---- Azure connection strings ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(azure_connection_string_mutations) {
  fuzz::mutator m({"DefaultEndpointsProtocol=https;AccountName=ferryacct;AccountKey=" + account_key +
                       ";EndpointSuffix=core.windows.net",
                   "BlobEndpoint=https://ferryacct.blob.core.windows.net/;SharedAccessSignature=" + sas,
                   "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1",
                   "AccountName=devstoreaccount1;AccountKey=" + account_key +
                       ";BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;QueueEndpoint=x;"});
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    std::string input = m.next();
    auto r = parse_azure_connection_string(input);
    if (!r) {
      check_failure(r.error(), input);
      BOOST_REQUIRE(r.error().message.starts_with("azure connection string"));
      continue;
    }
    ++accepted;
    BOOST_REQUIRE_MESSAGE(r->blob_endpoint.starts_with("http://") || r->blob_endpoint.starts_with("https://"),
                          r->blob_endpoint);
    BOOST_REQUIRE(!has_control(r->blob_endpoint) && !has_control(r->sas_token) && !has_control(r->account_key));
    BOOST_REQUIRE(!r->blob_endpoint.ends_with("/"));
    BOOST_REQUIRE(r->account_key.empty() || !r->account_name.empty());
    BOOST_REQUIRE(r->account_name.size() <= 24);
  }
  BOOST_TEST(accepted > 0);
}

BOOST_AUTO_TEST_CASE(azure_connection_string_hostile) {
  auto parse = [](std::string_view text) {
    auto r = parse_azure_connection_string(text);
    if (!r) check_failure(r.error(), text);
    return r;
  };
  const std::string base = "AccountName=ferryacct;AccountKey=" + account_key;
  BOOST_REQUIRE(parse(base));
  BOOST_TEST(!parse(base + std::string(";\0x=1", 5)));  // NUL
  BOOST_TEST(!parse(base + ";\r\nBlobEndpoint=https://h"));
  BOOST_TEST(!parse(base + ";" + std::string(max_connection_string_size, 'a') + "=b"));
  BOOST_TEST(!parse(base + ";accountname=other"));  // duplicate, case-insensitively
  BOOST_TEST(!parse(base + ";" + marker));          // a segment without '='
  BOOST_TEST(!parse(base + ";=v"));
  BOOST_TEST(!parse("AccountName=ferryacct;AccountKey=" + marker + "!!notbase64"));
  BOOST_TEST(!parse("AccountName=ferryacct;AccountKey=" + marker + "%%"));
  BOOST_TEST(!parse("AccountName=caf\xC3\xA9;AccountKey=" + account_key));  // unicode account name
  BOOST_TEST(!parse("AccountName=ab;AccountKey=" + account_key));          // shorter than 3
  BOOST_TEST(!parse("AccountName=" + std::string(25, 'a')));
  BOOST_TEST(!parse("AccountName=ferryacct;EndpointSuffix=core.windows.net\xC2\xA0"));
  BOOST_TEST(!parse("BlobEndpoint=ftp://h;SharedAccessSignature=" + sas));
  BOOST_TEST(!parse("BlobEndpoint=https://;SharedAccessSignature=" + sas));
  BOOST_TEST(!parse("BlobEndpoint=https://h/?x=1;SharedAccessSignature=" + sas));
  BOOST_TEST(!parse("BlobEndpoint=https://h;SharedAccessSignature=?"));
  BOOST_TEST(!parse("BlobEndpoint=https://h/a\tb;SharedAccessSignature=" + sas));  // a tab inside a value
  BOOST_TEST(!parse("BlobEndpoint=https://h/a\x7f;SharedAccessSignature=" + sas));
  auto upper = parse("BlobEndpoint=HtTpS://Host.Example/;SharedAccessSignature=" + sas);
  BOOST_REQUIRE(upper);
  BOOST_TEST(upper->blob_endpoint == "https://Host.Example");  // the scheme lowercased, the rest untouched
  BOOST_TEST(!parse("UseDevelopmentStorage=yes"));
  BOOST_TEST(!parse("UseDevelopmentStorage=true;" + base));
  BOOST_TEST(!parse(";;;"));
  BOOST_TEST(!parse("   "));
  // Values keep their '=' (base64 padding, SAS); a trailing ';' is fine.
  auto sas_only = parse("BlobEndpoint=https://ferryacct.blob.core.windows.net///;SharedAccessSignature=?" + sas + ";");
  BOOST_REQUIRE(sas_only);
  BOOST_TEST(sas_only->sas_token == sas);
  BOOST_TEST(sas_only->blob_endpoint == "https://ferryacct.blob.core.windows.net");
  auto key = parse(base);
  BOOST_TEST(key->account_key == account_key);
  BOOST_TEST(key->blob_endpoint == "https://ferryacct.blob.core.windows.net");
}

// ---- Azure user delegation key ---------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(azure_user_delegation_key_mutations) {
  fuzz::mutator m({udk_seed});
  int accepted = 0;
  for (int i = 0; i < iterations; ++i) {
    std::string input = m.next();
    auto r = parse_azure_user_delegation_key(input);
    if (!r) {
      check_failure(r.error(), input);
      continue;
    }
    ++accepted;
    BOOST_REQUIRE(!r->value.empty() && !r->signed_oid.empty() && !r->signed_expiry.empty());
    for (auto* f : {&r->signed_oid, &r->signed_tid, &r->signed_start, &r->signed_expiry, &r->signed_service,
                    &r->signed_version, &r->value, &r->delegated_user_tid})
      BOOST_REQUIRE(!has_control(*f));
  }
  BOOST_TEST(accepted > 0);
}

BOOST_AUTO_TEST_CASE(azure_user_delegation_key_hostile) {
  auto parse = [](std::string_view xml) {
    auto r = parse_azure_user_delegation_key(xml);
    if (!r) check_failure(r.error(), xml);
    return r;
  };
  BOOST_REQUIRE(parse(udk_seed));
  std::string twice = udk_seed;
  twice.insert(twice.find("</UserDelegationKey>"), "<Value>" + account_key + "</Value>");
  BOOST_TEST(!parse(twice));
  std::string bad_value = udk_seed;
  bad_value.replace(bad_value.find(account_key), account_key.size(), marker + "!!");
  BOOST_TEST(!parse(bad_value));
  std::string ctrl = udk_seed;
  ctrl.replace(ctrl.find("b</SignedService>"), 1, "b&#10;");
  BOOST_TEST(!parse(ctrl));
  std::string deep;
  for (int i = 0; i < 20000; ++i) deep += "<UserDelegationKey>";
  BOOST_TEST(!parse(deep));
  BOOST_TEST(!parse(std::string(max_user_delegation_key_response + 1, ' ')));
  BOOST_TEST(!parse(std::string("<UserDelegationKey>\0</UserDelegationKey>", 40)));
}

BOOST_AUTO_TEST_SUITE_END()
