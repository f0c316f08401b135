#pragma once

#include <soci/session.h>

#include <optional>
#include <string>
#include <utility>

#include "api/effects.hpp"
#include "persistence/identity/tokens.hpp"
#include "persistence/identity/users.hpp"

// Tenant invitations (docs/api.md, "Invites"): creating one (mailed when it names an
// address) and accepting one (a new account and its first session), each in one transaction
// with its audit row.

namespace sb::api::invite_cases {

struct invite_request {
  std::optional<std::string> email;  ///< mailed the link when given; only it may accept
  std::string role = "user";
  int64_t ttl_s = 0;
  int64_t max_uses = 1;      ///< 0 = unlimited
  std::string web_base_url;  ///< for the link
};
persistence::issued_invite create_invite(soci::session& sql, const requester& by,
                                         const invite_request& in);

/// The new user (with the invite's tenant and role) and their refresh token; nullopt when the
/// token is invalid, expired, used up or for another address. `u.password_hash` is set.
std::optional<std::pair<persistence::user_record, std::string>> accept_invite(
    soci::session& sql, const std::string& address, const std::string& token,
    persistence::user_record u, int64_t refresh_ttl_us);

}  // namespace sb::api::invite_cases
