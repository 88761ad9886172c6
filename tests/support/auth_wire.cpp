#include "tests/support/auth_wire.hpp"

#include "signing/encoding.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <ctime>
#include <memory>
#include <stdexcept>

namespace ferry::testd {

std::map<std::string, std::string, std::less<>> parse_form(std::string_view body) {
  std::map<std::string, std::string, std::less<>> out;
  while (!body.empty()) {
    auto amp = body.find('&');
    std::string_view item = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
    if (item.empty()) continue;
    auto eq = item.find('=');
    std::string value = eq == std::string_view::npos ? std::string{} : percent_decode(item.substr(eq + 1), true);
    out.emplace(percent_decode(item.substr(0, eq), true), std::move(value));
  }
  return out;
}

std::string form_value(const std::map<std::string, std::string, std::less<>>& form, std::string_view name) {
  auto it = form.find(name);
  return it == form.end() ? std::string{} : it->second;
}

std::string iso8601(auth_clock::time_point t) {
  std::time_t s = auth_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::int64_t epoch_seconds(auth_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string random_chars(std::size_t n, std::string_view alphabet) {
  std::string raw(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  // Rejection sampling would be exact; the alphabets here are 32 or 64 long, so modulo is exact too.
  std::string out(n, '\0');
  for (std::size_t i = 0; i < n; ++i) out[i] = alphabet[static_cast<unsigned char>(raw[i]) % alphabet.size()];
  return out;
}

std::string random_uuid() {
  std::string h = random_chars(32, "0123456789abcdef");
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

response json_reply(unsigned status, const boost::json::object& body, std::string_view content_type) {
  return make_response(status, boost::json::serialize(body), content_type);
}

response xml_reply(unsigned status, std::string body) {
  return make_response(status, std::move(body), "text/xml");
}

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string s(text);
  for (char& c : s) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (c == '+' || c == '/') return std::nullopt;  // not the URL alphabet
  }
  while (s.size() % 4 != 0) s += '=';
  return signing::base64_decode(s);
}

std::optional<jwt_parts> parse_jwt(std::string_view token) {
  auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos) return std::nullopt;
  auto h = base64url_decode(token.substr(0, d1));
  auto c = base64url_decode(token.substr(d1 + 1, d2 - d1 - 1));
  auto s = base64url_decode(token.substr(d2 + 1));
  if (!h || !c || !s || d1 == 0 || d2 == d1 + 1) return std::nullopt;
  boost::system::error_code ec1, ec2;
  auto hv = boost::json::parse(*h, ec1);
  auto cv = boost::json::parse(*c, ec2);
  if (ec1 || ec2 || !hv.is_object() || !cv.is_object()) return std::nullopt;
  return jwt_parts{std::move(hv.as_object()), std::move(cv.as_object()), std::string(token.substr(0, d2)),
                   std::move(*s)};
}

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;

pkey_ptr load_public_key(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return nullptr;
  if (pem.find("BEGIN CERTIFICATE") != std::string_view::npos) {
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                     X509_free);
    return pkey_ptr(cert ? X509_get_pubkey(cert.get()) : nullptr);
  }
  // A private key works too (its public half is used): tests can hand over the key file's own key.
  if (pem.find("PRIVATE KEY-----") != std::string_view::npos)
    return pkey_ptr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  return pkey_ptr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

bool public_key_pem_usable(std::string_view pem) {
  auto key = load_public_key(pem);
  return key && EVP_PKEY_is_a(key.get(), "RSA");
}

rs256_result verify_rs256(std::string_view pem, std::string_view signing_input, std::string_view signature) {
  auto key = load_public_key(pem);
  if (!key || !EVP_PKEY_is_a(key.get(), "RSA")) return rs256_result::bad_key;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  // RSA keys default to PKCS#1 v1.5 padding, which is what RS256 means.
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
    return rs256_result::bad_key;
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size());
  return rc == 1 ? rs256_result::valid : rs256_result::bad_signature;
}

std::string fake_jwt(const boost::json::object& claims) {
  static const std::string header = signing::base64url_nopad(R"({"typ":"JWT","alg":"RS256","kid":"ferry-testd"})");
  return header + "." + signing::base64url_nopad(boost::json::serialize(claims)) + "." +
         random_chars(342, base64url_chars);  // the length of a 2048-bit RSA signature in base64url
}

}  // namespace ferry::testd
