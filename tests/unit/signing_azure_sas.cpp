// Azure SAS: the account SAS vector published in Azure/azure-storage-node's tests (see
// tests/unit/vectors/PROVENANCE.md), the service / user delegation / account string-to-sign layouts
// per signed version as Microsoft documents them, query encoding, and hostile inputs.
#include <boost/test/unit_test.hpp>

#include "signing/azure_account_sas.hpp"
#include "signing/azure_service_sas.hpp"

#include <algorithm>

using namespace ferry::signing;
using namespace std::chrono;

namespace {

constexpr std::string_view dev_key =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

azure_key key() { return azure_key::from_base64(dev_key).value(); }

sys_seconds at(int y, unsigned mo, unsigned d, int h, int mi) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

std::size_t lines(const std::string& s) { return std::count(s.begin(), s.end(), '\n') + 1; }

azure_blob_sas_request blob_request() {
  azure_blob_sas_request r;
  r.account = "devstoreaccount1";
  r.container = "ctr";
  r.blob = "blob one.txt";
  r.permissions = "r";
  r.start = at(2026, 11, 23, 7, 0);
  r.expiry = at(2026, 11, 23, 8, 0);
  r.protocol = "https,http";
  r.version = "2020-12-06";
  r.content_disposition = "attachment; filename=\"a b.txt\"";
  r.content_type = "text/plain";
  return r;
}

azure_user_delegation_key ud_key() {
  azure_user_delegation_key k;
  k.signed_oid = "11111111-1111-1111-1111-111111111111";
  k.signed_tid = "22222222-2222-2222-2222-222222222222";
  k.signed_start = "2026-11-23T06:00:00Z";
  k.signed_expiry = "2026-11-24T06:00:00Z";
  k.signed_service = "b";
  k.signed_version = "2020-12-06";
  k.value = std::string(dev_key);
  return k;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signing_azure_sas)

// Azure/azure-storage-node test/common/sharedkey-tests.js "generateAccountSignedQueryString":
// devstoreaccount1, ss=b srt=s sp=r spr=https sip=168.1.5.60-168.1.5.70, 2016-02-16 00:00-00:30 UTC,
// sv=2015-12-11 (that library's TARGET_STORAGE_VERSION) -> sig xMcdT/JPym5WsE9aE2YBcN2tfcjJXa0YzPdg2wchBmc=
BOOST_AUTO_TEST_CASE(published_account_sas_vector) {
  azure_account_sas_request r;
  r.account = "devstoreaccount1";
  r.services = "b";
  r.resource_types = "s";
  r.permissions = "r";
  r.protocol = "https";
  r.ip = "168.1.5.60-168.1.5.70";
  r.start = at(2016, 2, 16, 0, 0);
  r.expiry = at(2016, 2, 16, 0, 30);
  r.version = "2015-12-11";
  auto t = azure_account_sas(r, key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign ==
             "devstoreaccount1\nr\nb\ns\n2016-02-16T00:00:00Z\n2016-02-16T00:30:00Z\n168.1.5.60-168.1.5.70\nhttps\n"
             "2015-12-11\n");
  BOOST_TEST(t->query ==
             "sv=2015-12-11&ss=b&srt=s&sp=r&st=2016-02-16T00%3A00%3A00Z&se=2016-02-16T00%3A30%3A00Z"
             "&sip=168.1.5.60-168.1.5.70&spr=https&sig=xMcdT%2FJPym5WsE9aE2YBcN2tfcjJXa0YzPdg2wchBmc%3D");
}

// From 2020-12-06 the account string gains the encryption scope line and still ends with '\n'.
BOOST_AUTO_TEST_CASE(account_sas_2020_12_06_layout) {
  azure_account_sas_request r;
  r.account = "myaccount";
  r.services = "tb";          // reordered to bt
  r.resource_types = "os";    // reordered to so
  r.permissions = "lwr";      // reordered to rwl
  r.expiry = at(2026, 12, 1, 0, 0);
  r.version = "2020-12-06";
  r.encryption_scope = "scope1";
  auto t = azure_account_sas(r, key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign == "myaccount\nrwl\nbt\nso\n\n2026-12-01T00:00:00Z\n\n\n2020-12-06\nscope1\n");
  BOOST_TEST(t->query.starts_with("sv=2020-12-06&ss=bt&srt=so&sp=rwl&se=2026-12-01T00%3A00%3A00Z&ses=scope1&sig="));
  r.encryption_scope.clear();
  t = azure_account_sas(r, key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign.ends_with("\n2020-12-06\n\n"));
}

// create-service-sas, "Version 2020-12-06 and later": 16 fields, ses after the snapshot time, no
// trailing newline; the canonical resource names the blob unencoded. Signature cross-checked with
// Python's hmac over the same string.
BOOST_AUTO_TEST_CASE(service_sas_blob_2020_12_06) {
  auto t = azure_blob_service_sas(blob_request(), key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign ==
             "r\n2026-11-23T07:00:00Z\n2026-11-23T08:00:00Z\n/blob/devstoreaccount1/ctr/blob one.txt\n\n\nhttps,http\n"
             "2020-12-06\nb\n\n\n\nattachment; filename=\"a b.txt\"\n\n\ntext/plain");
  BOOST_TEST(lines(t->string_to_sign) == 16u);
  BOOST_TEST(t->query ==
             "sv=2020-12-06&sr=b&sp=r&st=2026-11-23T07%3A00%3A00Z&se=2026-11-23T08%3A00%3A00Z&spr=https%2Chttp"
             "&rscd=attachment%3B%20filename%3D%22a%20b.txt%22&rsct=text%2Fplain"
             "&sig=I5p4cBpOARc3a69kNvtDqZ%2FDFizRqqYKVPxqxyGaPPw%3D");
}

// "Version 2018-11-09 through 2020-10-02": the same minus the ses line (15 fields).
BOOST_AUTO_TEST_CASE(service_sas_layout_before_2020_12_06) {
  auto r = blob_request();
  r.version = "2020-10-02";
  r.snapshot = "2026-11-01T00:00:00.0000000Z";
  auto t = azure_blob_service_sas(r, key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(lines(t->string_to_sign) == 15u);
  BOOST_TEST(t->string_to_sign.find("\n2020-10-02\nbs\n2026-11-01T00:00:00.0000000Z\n\nattachment") != std::string::npos);
  BOOST_TEST(t->query.find("sr=bs") != std::string::npos);
  r.encryption_scope = "s";
  BOOST_TEST(!azure_blob_service_sas(r, key()).has_value());
  r.encryption_scope.clear();
  r.version = "2018-03-28";
  BOOST_TEST(!azure_blob_service_sas(r, key()).has_value());
}

BOOST_AUTO_TEST_CASE(service_sas_container_and_stored_policy) {
  azure_blob_sas_request r;
  r.account = "myaccount";
  r.container = "models";
  r.permissions = "lr";
  r.identifier = "policy-1";  // the stored policy may carry the expiry
  r.version = "2024-11-04";
  r.ip = "10.0.0.1";
  auto t = azure_blob_service_sas(r, key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign ==
             "rl\n\n\n/blob/myaccount/models\npolicy-1\n10.0.0.1\n\n2024-11-04\nc\n\n\n\n\n\n\n");
  BOOST_TEST(t->query.starts_with("sv=2024-11-04&sr=c&sp=rl&sip=10.0.0.1&si=policy-1&sig="));
}

BOOST_AUTO_TEST_CASE(blob_sas_urls) {
  auto r = blob_request();
  auto url = azure_blob_sas_url(r, key(), "http://127.0.0.1:10000/devstoreaccount1");
  BOOST_REQUIRE(url.has_value());
  BOOST_TEST(url->starts_with("http://127.0.0.1:10000/devstoreaccount1/ctr/blob%20one.txt?sv=2020-12-06&sr=b&sp=r&"));
  r.account = "myaccount";
  r.blob_version = "2026-11-01T00:00:00.1234567Z";
  url = azure_blob_sas_url(r, key());
  BOOST_REQUIRE(url.has_value());
  BOOST_TEST(url->starts_with(
      "https://myaccount.blob.core.windows.net/ctr/blob%20one.txt?versionid=2026-11-01T00%3A00%3A00.1234567Z&sv="));
  BOOST_TEST(url->find("sr=bv") != std::string::npos);
}

// create-user-delegation-sas: the key fields follow the canonical resource; saoid/suoid/scid from
// 2020-02-10, ses from 2020-12-06, skdutid/sduoid from 2025-07-05.
BOOST_AUTO_TEST_CASE(user_delegation_layouts_by_version) {
  auto r = blob_request();
  r.content_disposition.clear();
  r.content_type.clear();
  azure_user_delegation_options o;
  o.authorized_oid = "33333333-3333-3333-3333-333333333333";
  std::string head =
      "r\n2026-11-23T07:00:00Z\n2026-11-23T08:00:00Z\n/blob/devstoreaccount1/ctr/blob one.txt\n"
      "11111111-1111-1111-1111-111111111111\n22222222-2222-2222-2222-222222222222\n2026-11-23T06:00:00Z\n"
      "2026-11-24T06:00:00Z\nb\n2020-12-06\n";

  auto t = azure_blob_user_delegation_sas(r, ud_key(), o);
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign ==
             head + "33333333-3333-3333-3333-333333333333\n\n\n\nhttps,http\n2020-12-06\nb\n\n\n\n\n\n\n");
  BOOST_TEST(t->query.find("&skoid=11111111-1111-1111-1111-111111111111&sktid=") != std::string::npos);
  BOOST_TEST(t->query.find("&skt=2026-11-23T06%3A00%3A00Z&ske=2026-11-24T06%3A00%3A00Z&sks=b&skv=2020-12-06") !=
             std::string::npos);
  BOOST_TEST(t->query.find("&saoid=33333333-3333-3333-3333-333333333333") != std::string::npos);

  r.version = "2020-02-10";
  t = azure_blob_user_delegation_sas(r, ud_key(), o);
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign ==
             head + "33333333-3333-3333-3333-333333333333\n\n\n\nhttps,http\n2020-02-10\nb\n\n\n\n\n\n");

  r.version = "2019-12-12";
  BOOST_TEST(!azure_blob_user_delegation_sas(r, ud_key(), o).has_value());  // saoid too new
  t = azure_blob_user_delegation_sas(r, ud_key());
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign == head + "\nhttps,http\n2019-12-12\nb\n\n\n\n\n\n");

  r.version = "2025-07-05";
  o.delegated_user_oid = "44444444-4444-4444-4444-444444444444";
  t = azure_blob_user_delegation_sas(r, ud_key(), o);
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign == head +
                                      "33333333-3333-3333-3333-333333333333\n\n\n\n44444444-4444-4444-4444-444444444444\n"
                                      "\nhttps,http\n2025-07-05\nb\n\n\n\n\n\n\n");
  BOOST_TEST(t->query.find("&sduoid=44444444-4444-4444-4444-444444444444") != std::string::npos);

  // 2026-04-06 adds the (empty) srh and srq lines after ses.
  r.version = "2026-04-06";
  t = azure_blob_user_delegation_sas(r, ud_key(), o);
  BOOST_REQUIRE(t.has_value());
  BOOST_TEST(t->string_to_sign == head +
                                      "33333333-3333-3333-3333-333333333333\n\n\n\n44444444-4444-4444-4444-444444444444\n"
                                      "\nhttps,http\n2026-04-06\nb\n\n\n\n\n\n\n\n\n");
  r.version = "2020-12-06";
  r.identifier = "policy";
  BOOST_TEST(!azure_blob_user_delegation_sas(r, ud_key()).has_value());
  r.identifier.clear();
  auto k = ud_key();
  k.value = "%%%";
  auto bad = azure_blob_user_delegation_sas(r, k);
  BOOST_REQUIRE(!bad.has_value());
  BOOST_TEST(bad.error().message.find("%%%") == std::string::npos);
  k = ud_key();
  k.signed_tid.clear();
  BOOST_TEST(!azure_blob_user_delegation_sas(r, k).has_value());
}

BOOST_AUTO_TEST_CASE(permissions_are_ordered_and_checked) {
  auto p = azure_sas_order_permissions("wdcr", azure_blob_permission_order, "sp");
  BOOST_REQUIRE(p.has_value());
  BOOST_TEST(*p == "rcwd");
  BOOST_TEST(!azure_sas_order_permissions("rr", azure_blob_permission_order, "sp").has_value());
  BOOST_TEST(!azure_sas_order_permissions("rz", azure_blob_permission_order, "sp").has_value());
  BOOST_TEST(!azure_sas_order_permissions("", azure_blob_permission_order, "sp").has_value());
  auto r = blob_request();
  r.permissions = "rl";  // list is a container permission
  BOOST_TEST(!azure_blob_service_sas(r, key()).has_value());
}

BOOST_AUTO_TEST_CASE(hostile_fields_are_refused) {
  auto base = blob_request();
  std::vector<azure_blob_sas_request> bad(12, base);
  bad[0].content_disposition = "a\nsp=rwdl";  // would forge another line of the string to sign
  bad[1].identifier = std::string("x\0y", 3);
  bad[2].expiry.reset();                      // no expiry and no stored policy
  bad[3].start = at(2026, 11, 23, 9, 0);      // start after expiry
  bad[4].version = "2020-12-6";
  bad[5].version = "2017-07-29";
  bad[6].protocol = "http";
  bad[7].ip = "1.2.3.4; rm -rf";
  bad[8].container = "UPPER";
  bad[9].account = "a";
  bad[10].blob = std::string("x\ry");
  bad[11].snapshot = "s";
  bad[11].blob_version = "v";
  for (std::size_t i = 0; i < bad.size(); ++i) BOOST_TEST(!azure_blob_service_sas(bad[i], key()).has_value(), i);

  azure_account_sas_request a;
  a.account = "acct";
  a.permissions = "r";
  a.expiry = at(2026, 1, 1, 0, 0);
  BOOST_TEST(azure_account_sas(a, key()).has_value());
  auto b = a;
  b.services = "bx";
  BOOST_TEST(!azure_account_sas(b, key()).has_value());
  b = a;
  b.resource_types = "";
  BOOST_TEST(!azure_account_sas(b, key()).has_value());
  b = a;
  b.version = "2015-02-21";
  BOOST_TEST(!azure_account_sas(b, key()).has_value());
  b = a;
  b.expiry = {};  // forgotten
  BOOST_TEST(!azure_account_sas(b, key()).has_value());
  b = a;
  b.encryption_scope = "x\ny";
  BOOST_TEST(!azure_account_sas(b, key()).has_value());
}

// parse_azure_sas_token: our own output round-trips; hostile tokens are refused without echoing them.
BOOST_AUTO_TEST_CASE(sas_token_parse_round_trip_and_hostile_tokens) {
  auto t = azure_blob_service_sas(blob_request(), key());
  BOOST_REQUIRE(t.has_value());
  auto f = parse_azure_sas_token("?" + t->query);
  BOOST_REQUIRE(f.has_value());
  BOOST_TEST(f->version == "2020-12-06");
  BOOST_TEST(f->resource == "b");
  BOOST_TEST(f->expiry == "2026-11-23T08:00:00Z");
  BOOST_TEST(f->protocol == "https,http");
  BOOST_TEST(f->signature == "I5p4cBpOARc3a69kNvtDqZ/DFizRqqYKVPxqxyGaPPw=");

  auto other = parse_azure_sas_token("restype=container&comp=list&sv=2024-11-04&sig=abc&&");
  BOOST_REQUIRE(other.has_value());
  BOOST_TEST(other->version == "2024-11-04");

  for (std::string bad : {std::string(), std::string("?"), std::string("sv=2024-11-04&se=x"),
                          std::string("sig=a&sig=b"), std::string("sig=a&se=%zz"), std::string("sig=a&sp=r%0Aw"),
                          std::string(9000, 'a')}) {
    auto r = parse_azure_sas_token(bad);
    BOOST_TEST(!r.has_value(), bad.substr(0, 40));
    if (!r.has_value()) BOOST_TEST(r.error().message.find("sig=a") == std::string::npos);
  }
}

BOOST_AUTO_TEST_SUITE_END()
