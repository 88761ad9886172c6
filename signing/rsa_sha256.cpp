#include "signing/rsa_sha256.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <climits>

namespace ferry::signing {
namespace {

// Never let OpenSSL fall back to prompting on the terminal for a passphrase: an encrypted key
// is simply refused.
int no_passphrase(char*, int, int, void*) { return -1; }

struct bio_deleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

failure bad_key(std::string msg) { return failure(error::invalid_argument, std::move(msg)); }

EVP_PKEY* as_pkey(const std::shared_ptr<void>& p) { return static_cast<EVP_PKEY*>(p.get()); }

}  // namespace

result<rsa_private_key> rsa_private_key::from_pem(std::string_view pem) {
  if (pem.empty()) return bad_key("private key: empty");
  if (pem.size() > max_private_key_pem_size) return bad_key("private key: PEM too large");
  if (pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string_view::npos ||
      pem.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos)
    return bad_key("private key: encrypted keys are not supported");
  if (pem.find("-----BEGIN PRIVATE KEY-----") == std::string_view::npos &&
      pem.find("-----BEGIN RSA PRIVATE KEY-----") == std::string_view::npos)
    return bad_key("private key: not a PEM private key");

  bio_ptr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return failure(error::io_error, "private key: out of memory");
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  ERR_clear_error();  // don't leave parse errors on this thread's queue for unrelated TLS code
  if (!raw) return bad_key("private key: PEM could not be parsed");
  std::shared_ptr<void> owned(raw, [](void* p) { EVP_PKEY_free(static_cast<EVP_PKEY*>(p)); });
  if (!EVP_PKEY_is_a(raw, "RSA")) return bad_key("private key: not an RSA key");
  if (EVP_PKEY_get_bits(raw) < 2048) return bad_key("private key: RSA keys under 2048 bits are refused");
  rsa_private_key key;
  key.pkey_ = std::move(owned);
  return key;
}

result<std::string> rsa_private_key::sign_sha256(std::string_view data) const {
  if (!pkey_) return bad_key("private key: not loaded");
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  if (!ctx) return failure(error::io_error, "rsa sign: out of memory");
  // RSA keys default to PKCS#1 v1.5 padding, which is what RS256 and GOOG4-RSA-SHA256 require.
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, as_pkey(pkey_)) != 1) {
    ERR_clear_error();
    return failure(error::invalid_argument, "rsa sign: init failed");
  }
  std::size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &len, in, data.size()) != 1) {
    ERR_clear_error();
    return failure(error::invalid_argument, "rsa sign: failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size()) != 1) {
    ERR_clear_error();
    return failure(error::invalid_argument, "rsa sign: failed");
  }
  sig.resize(len);
  return sig;
}

std::string rsa_private_key::public_key_pem() const {
  if (!pkey_) return {};
  bio_ptr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), as_pkey(pkey_)) != 1) {
    ERR_clear_error();
    return {};
  }
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, static_cast<std::size_t>(n));
}

int rsa_private_key::bits() const noexcept { return pkey_ ? EVP_PKEY_get_bits(as_pkey(pkey_)) : 0; }

bool rsa_sha256_verify(std::string_view public_key_pem, std::string_view data, std::string_view signature) {
  if (public_key_pem.empty() || public_key_pem.size() > max_private_key_pem_size) return false;
  bio_ptr bio(BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())));
  if (!bio) return false;
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
  if (!raw) {
    ERR_clear_error();
    return false;
  }
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> pkey(raw, EVP_PKEY_free);
  md_ctx_ptr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                             reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
  ERR_clear_error();
  return ok;
}

}  // namespace ferry::signing
