#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// When `user` was last connected (their last session closed), if ever.
std::optional<int64_t> last_seen(soci::session& sql, const tenant_scope& scope,
                                 const std::string& user);

void record_last_seen(soci::session& sql, const tenant_scope& scope, const std::string& user,
                      int64_t at_us);

/// Whose presence `user`'s sessions watch, at most `limit`: the users who share a direct or
/// group conversation with them (talk-group channels do not count), then, with `tenant_contacts`,
/// the tenant's other users by name (the web client's contact list). Never `user`.
std::vector<std::string> presence_watch_list(soci::session& sql, const tenant_scope& scope,
                                             const std::string& user, int64_t limit,
                                             bool tenant_contacts);

/// Those of `ids` who are users of the tenant (not deleted), in the order given, once each.
std::vector<std::string> tenant_users(soci::session& sql, const tenant_scope& scope,
                                      const std::vector<std::string>& ids);

}  // namespace sb::persistence
