// HS256 tokens (protocols/auth/jwt): a token verifies under its key only, and a verified
// token has not expired.
#include "protocols/auth/jwt.hpp"
#include "config/ground/crypto.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(jwt) {
  static const sb::crypto::hmac_sha256_key key("fuzz-secret-0123456789abcdef0123456789");
  auto token = sb::fuzz::as_text(data, size);
  sb::jwt::verify_options opts{.now_s = 1'800'000'000, .leeway_s = 30, .require_exp = false};
  auto result = sb::jwt::verify_hs256(token, key, opts);
  auto* claims = std::get_if<boost::json::object>(&result);
  if (!claims) return;
  // A signature that holds under two keys was never checked.
  static const sb::crypto::hmac_sha256_key other("another-secret-0123456789abcdef01234567");
  SB_FUZZ_CHECK(
      std::holds_alternative<sb::jwt::failure>(sb::jwt::verify_hs256(token, other, opts)));
  if (auto* exp = claims->if_contains("exp"); exp && exp->is_int64()) {
    SB_FUZZ_CHECK(exp->as_int64() + opts.leeway_s >= opts.now_s);
  }
}
