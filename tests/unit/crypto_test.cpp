#include <catch2/catch.hpp>

#include <thread>

#include "config/ground/crypto.hpp"

using namespace sb::crypto;

TEST_CASE("hashes and MACs match published test vectors", "[crypto]") {
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  CHECK(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // RFC 4231 test case 6: a key longer than the block is hashed first.
  hmac_sha256_key long_key(std::string(131, '\xaa'));
  CHECK(hex_encode(long_key.mac("Test Using Larger Than Block-Size Key - Hash Key First")) ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
  // The same key object gives the same MAC every time, from any thread.
  hmac_sha256_key jefe("Jefe");
  auto once = jefe.mac("what do ya want for nothing?");
  std::string other;
  std::thread t([&] { other = jefe.mac("what do ya want for nothing?"); });
  t.join();
  CHECK(once == other);
  CHECK(once == hmac_sha256("Jefe", "what do ya want for nothing?"));
}

TEST_CASE("base64url round-trips without padding and rejects junk", "[crypto]") {
  CHECK(base64url_encode("\xfb\xff") == "-_8");
  CHECK(base64url_decode("-_8") == std::string("\xfb\xff"));
  CHECK(base64url_decode("abc$") == std::nullopt);
  CHECK(base64url_decode("-_8=") == std::nullopt);
  CHECK(base64url_decode("-_9") == std::nullopt);  // non-canonical: stray low bits
  CHECK(base64url_decode("QQ") == std::string("A"));
  CHECK(base64url_decode("QR") == std::nullopt);
  CHECK(base64url_decode("QUJD") == std::string("ABC"));
  CHECK(base64url_decode("QUJDR") == std::nullopt);  // 4n+1 characters cannot be valid
  CHECK(base64url_decode("") == std::string());
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  CHECK(base64url_decode(base64url_encode(all)) == all);
}

TEST_CASE("random identifiers have the right shape and do not repeat", "[crypto]") {
  auto a = random_uuid();
  CHECK(is_uuid(a));
  CHECK(a[14] == '4');
  CHECK(a != random_uuid());
  CHECK(random_hex(32).size() == 64);
  CHECK_FALSE(is_uuid("not-a-uuid"));
  CHECK_FALSE(is_uuid("3f2b0c1e-9d4a-4c8b-a1e2-0123456789zz"));
  CHECK(is_uuid("3F2B0C1E-9D4A-4C8B-A1E2-0123456789AB"));
}

TEST_CASE("constant-time comparison compares", "[crypto]") {
  CHECK(constant_time_equal("secret", "secret"));
  CHECK_FALSE(constant_time_equal("secret", "secreT"));
  CHECK_FALSE(constant_time_equal("secret", "secrets"));
  CHECK(constant_time_equal("", ""));
}

TEST_CASE("argon2id password hashes verify only the right password", "[crypto]") {
  password_cost cheap{1, 8 * 1024};
  auto h = hash_password("correct horse battery", cheap);
  CHECK(h.starts_with("$argon2id$"));
  CHECK(h != hash_password("correct horse battery", cheap));  // salted
  CHECK(verify_password(h, "correct horse battery"));
  CHECK_FALSE(verify_password(h, "correct horse batterY"));
  CHECK_FALSE(verify_password("", "x"));
  CHECK_FALSE(verify_password("$argon2id$garbage", "x"));
}
