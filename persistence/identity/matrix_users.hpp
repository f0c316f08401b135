#pragma once

#include <optional>
#include <string>

namespace soci {
class session;
}

namespace sb::persistence {

/// The live user linked to the Matrix id `matrix_user` (users.matrix_user_id). When there is
/// none and `tenant_name` is set, an active user is created in that tenant (created when
/// missing) and linked: display name = the id's localpart, no password. nullopt otherwise.
std::optional<std::string> user_for_matrix_id(soci::session& sql, const std::string& matrix_user,
                                              const std::string& tenant_name);

}  // namespace sb::persistence
