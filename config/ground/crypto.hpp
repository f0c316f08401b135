#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sb::crypto {

/// Random bytes from the operating system (libsodium).
std::string random_bytes(size_t n);

/// `n` random bytes as 2n lower-case hex characters.
std::string random_hex(size_t n);

/// A random version-4 UUID, e.g. "3f2b…-4…".
std::string random_uuid();

/// True for a canonical lower- or upper-case UUID (8-4-4-4-12 hex digits).
bool is_uuid(std::string_view s);

/// SHA-256 of `data` as 64 lower-case hex characters: how tokens and API keys are stored.
std::string sha256_hex(std::string_view data);
/// SHA-256 of `data`, 32 raw bytes.
std::string sha256(std::string_view data);

/// Authenticated encryption of secrets kept at rest (XSalsa20-Poly1305, libsodium's
/// secretbox), under a 32-byte key.
class secret_box {
 public:
  /// `key_material` of any length is hashed (SHA-256) into the key.
  explicit secret_box(std::string_view key_material);
  /// base64url(nonce ‖ ciphertext): a fresh random nonce each time.
  std::string seal(std::string_view plaintext) const;
  /// nullopt when the text was not sealed with this key or was altered.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  std::string key_;
};

/// An HMAC-SHA-256 key with its inner and outer hash states computed once, so that each MAC
/// costs two short SHA-256 runs (OpenSSL, which uses the CPU's SHA instructions): about 7×
/// faster than keying anew. Thread-safe: `mac` only reads the precomputed states.
class hmac_sha256_key {
 public:
  explicit hmac_sha256_key(std::string_view key);
  ~hmac_sha256_key();
  hmac_sha256_key(const hmac_sha256_key&) = delete;
  hmac_sha256_key& operator=(const hmac_sha256_key&) = delete;

  /// The 32-byte MAC of `message`.
  std::string mac(std::string_view message) const;

 private:
  void* inner_;  // EVP_MD_CTX*, kept out of this header
  void* outer_;
};

/// HMAC-SHA-256 of `message` under `key`, as 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

/// Raw HMAC-SHA1: only for protocols that require it (TURN REST credentials, coturn).
std::string hmac_sha1(std::string_view key, std::string_view message);

/// Compares in time independent of where the inputs differ (the length may leak).
bool constant_time_equal(std::string_view a, std::string_view b);

std::string hex_encode(std::string_view bytes);
std::string base64url_encode(std::string_view bytes);  ///< no padding
std::string base64_encode(std::string_view bytes);     ///< standard alphabet, padded
/// Decodes unpadded base64url. Table-driven, not constant-time: use it for public data (JWT
/// segments), never to decode a secret an attacker could time.
std::optional<std::string> base64url_decode(std::string_view text);
/// Decodes padded standard base64 (libsodium's); nullopt for anything else.
std::optional<std::string> base64_decode(std::string_view text);

/// Cost of argon2id password hashing (libsodium units).
struct password_cost {
  uint64_t ops = 2;                  ///< crypto_pwhash_OPSLIMIT_INTERACTIVE
  size_t mem = 64u * 1024u * 1024u;  ///< crypto_pwhash_MEMLIMIT_INTERACTIVE, bytes
};

/// Hashes a password with argon2id and a random salt into libsodium's self-describing string
/// ("$argon2id$v=19$m=…,t=…,p=1$…"). Slow by design: call it off the I/O and scheduler threads.
std::string hash_password(std::string_view password, const password_cost& cost);

/// Checks a password against a stored hash, in time independent of where they differ.
bool verify_password(std::string_view stored_hash, std::string_view password);

}  // namespace sb::crypto
