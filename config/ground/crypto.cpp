#include "config/ground/crypto.hpp"

#include <algorithm>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sodium.h>

#include <array>
#include <cstring>
#include <memory>

#include <cctype>
#include <stdexcept>

namespace sb::crypto {

namespace {

// libsodium must be initialised once before use; sodium_init is thread-safe and idempotent.
void ensure_init() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium failed to initialise");
}

}  // namespace

std::string random_bytes(size_t n) {
  ensure_init();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string random_hex(size_t n) {
  return hex_encode(random_bytes(n));
}

std::string random_uuid() {
  auto b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  auto h = hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::string sha256(std::string_view data) {
  // OpenSSL rather than libsodium: it uses the CPU's SHA instructions (several times faster).
  unsigned char digest[32];
  unsigned len = 0;
  if (!EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr)) {
    throw std::runtime_error("SHA-256 failed");
  }
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::string sha256_hex(std::string_view data) {
  return hex_encode(sha256(data));
}

secret_box::secret_box(std::string_view key_material) : key_(sha256(key_material)) {
  static_assert(crypto_secretbox_KEYBYTES == 32);
}

std::string secret_box::seal(std::string_view plaintext) const {
  std::string out = random_bytes(crypto_secretbox_NONCEBYTES);
  out.resize(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  auto* nonce = reinterpret_cast<const unsigned char*>(out.data());
  crypto_secretbox_easy(reinterpret_cast<unsigned char*>(out.data()) + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        nonce, reinterpret_cast<const unsigned char*>(key_.data()));
  return base64url_encode(out);
}

std::optional<std::string> secret_box::open(std::string_view sealed) const {
  auto raw = base64url_decode(sealed);
  if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  std::string out(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  const auto* bytes = reinterpret_cast<const unsigned char*>(raw->data());
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 bytes + crypto_secretbox_NONCEBYTES,
                                 raw->size() - crypto_secretbox_NONCEBYTES, bytes,
                                 reinterpret_cast<const unsigned char*>(key_.data())) != 0) {
    return std::nullopt;
  }
  return out;
}

hmac_sha256_key::hmac_sha256_key(std::string_view key) {
  // RFC 2104: keys longer than the block are hashed first; then K xor ipad, K xor opad.
  unsigned char block[64] = {};
  if (key.size() > sizeof block) {
    unsigned len = 0;
    EVP_Digest(key.data(), key.size(), block, &len, EVP_sha256(), nullptr);
  } else {
    std::memcpy(block, key.data(), key.size());
  }
  unsigned char ipad[64], opad[64];
  for (size_t i = 0; i < 64; ++i) {
    ipad[i] = block[i] ^ 0x36;
    opad[i] = block[i] ^ 0x5c;
  }
  auto* inner = EVP_MD_CTX_new();
  auto* outer = EVP_MD_CTX_new();
  if (!inner || !outer || !EVP_DigestInit_ex(inner, EVP_sha256(), nullptr) ||
      !EVP_DigestUpdate(inner, ipad, 64) || !EVP_DigestInit_ex(outer, EVP_sha256(), nullptr) ||
      !EVP_DigestUpdate(outer, opad, 64)) {
    EVP_MD_CTX_free(inner);
    EVP_MD_CTX_free(outer);
    throw std::runtime_error("SHA-256 unavailable");
  }
  sodium_memzero(block, sizeof block);
  sodium_memzero(ipad, sizeof ipad);
  sodium_memzero(opad, sizeof opad);
  inner_ = inner;
  outer_ = outer;
}

hmac_sha256_key::~hmac_sha256_key() {
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(inner_));
  EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(outer_));
}

std::string hmac_sha256_key::mac(std::string_view message) const {
  // One scratch context per thread: copying a precomputed state is cheap, allocating is not.
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  unsigned char inner[32];
  unsigned len = 0;
  std::string out(32, '\0');
  if (!EVP_MD_CTX_copy_ex(ctx.get(), static_cast<const EVP_MD_CTX*>(inner_)) ||
      !EVP_DigestUpdate(ctx.get(), message.data(), message.size()) ||
      !EVP_DigestFinal_ex(ctx.get(), inner, &len) ||
      !EVP_MD_CTX_copy_ex(ctx.get(), static_cast<const EVP_MD_CTX*>(outer_)) ||
      !EVP_DigestUpdate(ctx.get(), inner, sizeof inner) ||
      !EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &len)) {
    throw std::runtime_error("HMAC-SHA-256 failed");
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view message) {
  return hmac_sha256_key(key).mac(message);
}

std::string hmac_sha1(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
            &len)) {
    throw std::runtime_error("HMAC-SHA1 failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 0x0F]);
  }
  return out;
}

namespace {

std::string base64_with(std::string_view bytes, int variant) {
  ensure_init();
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), variant), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), variant);
  out.resize(out.size() - 1);  // the terminating NUL
  return out;
}

}  // namespace

std::string base64url_encode(std::string_view bytes) {
  return base64_with(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::string base64_encode(std::string_view bytes) {
  return base64_with(bytes, sodium_base64_VARIANT_ORIGINAL);
}

std::optional<std::string> base64url_decode(std::string_view text) {
  static const auto table = [] {
    std::array<int8_t, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int8_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
    return t;
  }();
  size_t tail = text.size() % 4;
  if (tail == 1) return std::nullopt;
  std::string out(text.size() / 4 * 3 + (tail ? tail - 1 : 0), '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  const auto* src = reinterpret_cast<const unsigned char*>(text.data());
  size_t full = text.size() - tail;
  int bad = 0;  // ORed sign bits: one branch at the end instead of one per character
  for (size_t i = 0; i < full; i += 4) {
    int a = table[src[i]], b = table[src[i + 1]], c = table[src[i + 2]], d = table[src[i + 3]];
    bad |= a | b | c | d;
    uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
    *dst++ = static_cast<unsigned char>(v >> 16);
    *dst++ = static_cast<unsigned char>(v >> 8);
    *dst++ = static_cast<unsigned char>(v);
  }
  if (tail) {
    int a = table[src[full]], b = table[src[full + 1]];
    int c = tail == 3 ? table[src[full + 2]] : 0;
    bad |= a | b | c;
    uint32_t v = (uint32_t(a & 63) << 18) | (uint32_t(b & 63) << 12) | (uint32_t(c & 63) << 6);
    *dst++ = static_cast<unsigned char>(v >> 16);
    if (tail == 3) *dst++ = static_cast<unsigned char>(v >> 8);
    // Canonical form: the bits past the last byte must be zero.
    if (v & (tail == 2 ? 0xFFFFu : 0xFFu)) return std::nullopt;
  }
  if (bad < 0) return std::nullopt;
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  // libsodium 1.0.18 reads bytes outside the alphabet as if they were in it (0xFF decodes as
  // '/', found by the engineio_payload fuzz target): only the alphabet and padding get there.
  auto in_alphabet = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
  };
  if (!std::all_of(text.begin(), text.end(), in_alphabet)) return std::nullopt;
  ensure_init();
  std::string out(text.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string hash_password(std::string_view password, const password_cost& cost) {
  ensure_init();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), cost.ops, cost.mem) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool verify_password(std::string_view stored_hash, std::string_view password) {
  ensure_init();
  if (stored_hash.empty() || stored_hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string hash(stored_hash);  // libsodium wants a NUL-terminated string
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace sb::crypto
