#pragma once

#include <soci/session.h>

#include <optional>
#include <string>
#include <utility>

#include "api/effects.hpp"
#include "persistence/identity/users.hpp"

// A user's own credentials (docs/api.md, "Authentication"): a new password (known, or through
// a reset token) and a confirmed address change, each in one transaction with its audit row.
// Every one revokes the user's refresh tokens; the route then closes their live sessions.

namespace sb::api::credential_cases {

/// Stores `hash` as the caller's password; answers the user and a fresh refresh token.
std::pair<persistence::user_record, std::string> change_password(soci::session& sql,
                                                                 const requester& by,
                                                                 const std::string& hash,
                                                                 int64_t refresh_ttl_us);

/// The first sign-in of a user who must change the password (the VoicePing console's
/// first-run): their display name and `hash` as the password, in one transaction. `email`, when
/// given, must be the address they have (a new one is confirmed by mail); store_error
/// bad_request otherwise, and "Profile already complete" when there is nothing to set up.
std::pair<persistence::user_record, std::string> complete_first_run(
    soci::session& sql, const requester& by, const std::string& hash,
    const std::string& display_name, const std::optional<std::string>& email,
    int64_t refresh_ttl_us);

/// The user whose reset `token` set the password to `hash`; nullopt when the token is invalid,
/// used or expired.
std::optional<persistence::user_record> reset_password(soci::session& sql,
                                                       const std::string& address,
                                                       const std::string& token,
                                                       const std::string& hash);

/// The user whose pending address `token` confirmed; nullopt when invalid, used or expired.
std::optional<persistence::user_record> confirm_email(soci::session& sql,
                                                      const std::string& address,
                                                      const std::string& token);

}  // namespace sb::api::credential_cases
