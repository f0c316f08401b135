#pragma once

#include <soci/session.h>

#include <optional>
#include <string>

#include "api/effects.hpp"
#include "config/node_config.hpp"
#include "persistence/identity/users.hpp"

// User administration's use cases (docs/api.md, "Users"), each inside one store transaction:
// the privilege rule (config/domain/identity/privilege.hpp) checked against the account as it
// is in that transaction, the change, the mail it sends, and its audit row. `scope` is the
// tenant acted in (an operator may act in another); the audit row is filed there.

namespace sb::api::user_cases {

/// `u` is validated and, when it has a password, already hashed.
persistence::user_record create_user(soci::session& sql, const requester& by,
                                     const persistence::tenant_scope& scope,
                                     persistence::user_record u);

/// The updated user, and the new address waiting for its owner's confirmation (a changed
/// email takes effect only once confirmed: whoever controls the address controls the account).
struct user_update {
  persistence::user_record user;
  std::optional<std::string> pending_email;
};
/// `changed` is the audit summary of what the request changes (no values of secrets).
user_update update_user(soci::session& sql, const requester& by,
                        const persistence::tenant_scope& scope, const std::string& id,
                        const persistence::user_patch& patch, const boost::json::object& changed,
                        const config::auth_config& auth);

persistence::user_record set_user_status(soci::session& sql, const requester& by,
                                         const persistence::tenant_scope& scope,
                                         const std::string& id, const std::string& status);

void delete_user(soci::session& sql, const requester& by, const persistence::tenant_scope& scope,
                 const std::string& id);

}  // namespace sb::api::user_cases
