// Get User Delegation Key: request body and the parser of the service's answer (shape from
// learn.microsoft.com/rest/api/storageservices/get-user-delegation-key), with hostile bodies.
#include <boost/test/unit_test.hpp>

#include "src/auth/azure_user_delegation_key.hpp"

using namespace ferry::auth;
using namespace std::chrono;

namespace {

constexpr std::string_view answer = R"(<?xml version="1.0" encoding="utf-8"?>
<UserDelegationKey>
  <SignedOid>11111111-1111-1111-1111-111111111111</SignedOid>
  <SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>
  <SignedStart>2026-11-23T06:00:00Z</SignedStart>
  <SignedExpiry>2026-11-24T06:00:00Z</SignedExpiry>
  <SignedService>b</SignedService>
  <SignedVersion>2024-11-04</SignedVersion>
  <Value>Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==</Value>
</UserDelegationKey>)";

std::string replace(std::string s, std::string_view from, std::string_view to) {
  auto p = s.find(from);
  BOOST_REQUIRE(p != std::string::npos);
  return s.replace(p, from.size(), to);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(azure_user_delegation_key_parse)

BOOST_AUTO_TEST_CASE(request_body) {
  auto t0 = sys_days{year{2026} / 11 / 23} + hours{6};
  auto b = azure_user_delegation_key_request_body(t0, t0 + hours{24});
  BOOST_REQUIRE(b.has_value());
  BOOST_TEST(*b ==
             "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Start>2026-11-23T06:00:00Z</Start>"
             "<Expiry>2026-11-24T06:00:00Z</Expiry></KeyInfo>");
  BOOST_TEST(!azure_user_delegation_key_request_body(t0, t0).has_value());
  BOOST_TEST(!azure_user_delegation_key_request_body(t0, t0 + hours{24 * 7 + 1}).has_value());
}

BOOST_AUTO_TEST_CASE(parses_the_answer_and_signs_with_it) {
  auto k = parse_azure_user_delegation_key(answer);
  BOOST_REQUIRE(k.has_value());
  BOOST_TEST(k->signed_oid == "11111111-1111-1111-1111-111111111111");
  BOOST_TEST(k->signed_version == "2024-11-04");
  BOOST_TEST(k->delegated_user_tid.empty());

  ferry::signing::azure_blob_sas_request r;
  r.account = "myaccount";
  r.container = "models";
  r.blob = "w.bin";
  r.permissions = "r";
  r.expiry = sys_days{year{2026} / 11 / 24};
  auto sas = ferry::signing::azure_blob_user_delegation_sas(r, *k);
  BOOST_REQUIRE(sas.has_value());
  BOOST_TEST(sas->query.find("skv=2024-11-04") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(hostile_bodies) {
  std::string a(answer);
  for (std::string bad : {std::string(), std::string("not xml"), std::string("<Other/>"), a.substr(0, a.size() / 2),
                          replace(a, "<SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>", ""),
                          replace(a, "<SignedService>b</SignedService>", "<SignedService></SignedService>"),
                          replace(a, "<SignedService>b</SignedService>",
                                  "<SignedService>b</SignedService><SignedService>q</SignedService>"),
                          replace(a, "<Value>Eby8", "<Value>!!!!"),
                          replace(a, "<SignedOid>1111", "<SignedOid>&#10;1111"),
                          std::string(70 * 1024, '<')}) {
    auto k = parse_azure_user_delegation_key(bad);
    BOOST_TEST(!k.has_value());
    if (!k.has_value()) BOOST_TEST(k.error().message.find("Eby8") == std::string::npos);
  }
  // Entity declarations are not expanded (no billion laughs).
  std::string bomb = "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>" + a.substr(a.find("<UserDelegationKey>"));
  bomb = replace(bomb, "<SignedService>b</SignedService>", "<SignedService>&b;</SignedService>");
  auto k = parse_azure_user_delegation_key(bomb);
  if (k.has_value()) BOOST_TEST(k->signed_service.size() < 100u);
}

BOOST_AUTO_TEST_SUITE_END()
