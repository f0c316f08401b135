#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config/ground/crypto.hpp"
#include "persistence/identity/users.hpp"

namespace sb {

/// The claims of a Switchboard access token (an HS256 JWT):
/// {"sub":user id,"tenant":tenant id,"role":…,"sa":superadmin,"ver":token version,"iat","exp"}.
struct access_claims {
  std::string user_id;
  std::string tenant_id;
  std::string role;
  bool superadmin = false;
  int64_t version = 0;
  int64_t issued_at = 0;
  int64_t expires_at = 0;
};

/// Issues and checks access tokens. Stateless and thread-safe; a verified token must still be
/// checked against the user's current state (status, token version) by the authenticator.
class token_service {
 public:
  token_service(std::string_view secret, int64_t ttl_s) : key_(secret), ttl_s_(ttl_s) {}

  std::string issue(const persistence::user_record& user, int64_t now_s) const;
  /// The claims of a well-signed, unexpired token with the expected claims; else nullopt.
  std::optional<access_claims> verify(std::string_view token, int64_t now_s) const;
  int64_t ttl_s() const { return ttl_s_; }

 private:
  crypto::hmac_sha256_key key_;
  int64_t ttl_s_;
};

}  // namespace sb
