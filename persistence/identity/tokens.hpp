#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "persistence/identity/users.hpp"
#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

// Opaque single-purpose tokens: 256 random bits, given to the client once, stored as SHA-256.

/// Issues a refresh token for the user; `family_id` empty starts a new family (a login).
std::string issue_refresh_token(soci::session& sql, const user_record& user,
                                const std::string& family_id, int64_t ttl_us);

/// The result of presenting a refresh token.
struct refresh_result {
  enum class outcome {
    rotated,  ///< valid: it is now used, and `token` is its successor in the same family
    invalid,  ///< unknown, expired, revoked, or its user is gone or not active
    reused,   ///< already used: the whole family is revoked (a stolen token was replayed)
  };
  outcome result = outcome::invalid;
  std::optional<user_record> user;
  std::string token;
};

/// Rotates a refresh token. Never throws for a bad token: the family revocation on reuse must
/// commit even though the request fails.
refresh_result rotate_refresh_token(soci::session& sql, const std::string& raw_token,
                                    int64_t ttl_us);

/// Revokes the refresh token's family (logout); unknown tokens are ignored.
void revoke_refresh_family(soci::session& sql, const std::string& raw_token);

/// Creates a single-use password reset token for the user.
std::string create_password_reset(soci::session& sql, const user_record& user, int64_t ttl_us);

/// Marks a reset token used and returns its user, if it is known, unused and unexpired.
std::optional<user_record> consume_password_reset(soci::session& sql, const std::string& raw_token);

/// Starts a change of `user`'s address to `new_email`, to be confirmed through the new address;
/// any earlier pending change of the user lapses. Returns the token to mail there.
std::string create_email_change(soci::session& sql, const user_record& user,
                                const std::string& new_email, const std::string& requested_by,
                                int64_t ttl_us);

/// Applies the change a confirmation token stands for (change_email: every login of the user
/// ends) and marks the token used. nullopt when the token is unknown, used or expired; throws
/// store_error(conflict) when the address was taken meanwhile.
std::optional<user_record> confirm_email_change(soci::session& sql, const std::string& raw_token);

/// An invitation to join a tenant.
struct invite_record {
  std::string id;
  std::string tenant_id;
  std::optional<std::string> email;  ///< when set, only this address may accept
  std::string role;
  int64_t expires_at_us = 0;
  int64_t max_uses = 1;  ///< 0 = unlimited
  int64_t used_count = 0;
  int64_t created_at_us = 0;
};

struct issued_invite {
  std::string token;
  invite_record invite;
};

issued_invite create_invite(soci::session& sql, const tenant_scope& scope,
                            const std::optional<std::string>& email, const std::string& role,
                            int64_t ttl_us, int64_t max_uses, const std::string& created_by);

/// Counts one use of an invite and returns it, if it is valid for `email`; nullopt otherwise.
std::optional<invite_record> use_invite(soci::session& sql, const std::string& raw_token,
                                        const std::string& email);

}  // namespace sb::persistence
