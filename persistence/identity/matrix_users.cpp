#include "persistence/identity/matrix_users.hpp"

#include <soci/soci.h>

#include "config/ground/crypto.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"

namespace sb::persistence {

std::optional<std::string> user_for_matrix_id(soci::session& sql, const std::string& matrix_user,
                                              const std::string& tenant_name) {
  std::string id;
  soci::indicator ind = soci::i_null;
  sql << "SELECT id FROM users WHERE matrix_user_id = :m AND deleted_at_us IS NULL",
      soci::use(matrix_user), soci::into(id, ind);
  if (sql.got_data() && ind == soci::i_ok) return id;
  if (tenant_name.empty()) return std::nullopt;
  user_record u;
  u.id = crypto::random_uuid();
  u.email = u.id + "@matrix.invalid";  // unique, and never a login: there is no password
  u.display_name = matrix_user.substr(1, matrix_user.find(':') - 1);
  u.role = "user";
  u.status = "active";
  u.created_by = "matrix";
  auto created = create_user(sql, tenant_scope(tenant_named(sql, tenant_name)), u);
  sql << "UPDATE users SET matrix_user_id = :m WHERE id = :id", soci::use(matrix_user),
      soci::use(created.id);
  return created.id;
}

}  // namespace sb::persistence
