#include "persistence/identity/users.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include <algorithm>
#include <map>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kColumns =
    "id, tenant_id, email, password_hash, first_name, last_name, display_name, phone, "
    "extension, role, status, preferences, department, employee_id, superadmin, "
    "must_change_password, token_version, last_login_at_us, created_at_us, updated_at_us, "
    "created_by";

const std::map<std::string, std::string>& sort_columns() {
  static const std::map<std::string, std::string> m{
      {"name", "last_name {0}, first_name {0}"},
      {"email", "email {0}"},
      {"role", "role {0}"},
      {"status", "status {0}"},
      {"lastLogin", "last_login_at_us {0} NULLS LAST"},
      {"created", "created_at_us {0}"},
  };
  return m;
}

std::string fmt_order(const std::string& tmpl, bool descending) {
  return fmt::format(fmt::runtime(tmpl), descending ? "DESC" : "ASC");
}

user_record read_user(const soci::row& r) {
  row_reader in(r);
  user_record u;
  u.id = in.str("id");
  u.tenant_id = in.str("tenant_id");
  u.email = in.str("email");
  u.password_hash = in.opt_str("password_hash");
  u.first_name = in.str("first_name");
  u.last_name = in.str("last_name");
  u.display_name = in.str("display_name");
  u.phone = in.opt_str("phone");
  u.extension = in.opt_str("extension");
  u.role = in.str("role");
  u.status = in.str("status");
  u.preferences = in.str("preferences");
  u.department = in.opt_str("department");
  u.employee_id = in.opt_str("employee_id");
  u.superadmin = in.flag("superadmin");
  u.must_change_password = in.flag("must_change_password");
  u.token_version = in.i64("token_version");
  u.last_login_at_us = in.opt_i64("last_login_at_us");
  u.created_at_us = in.i64("created_at_us");
  u.updated_at_us = in.i64("updated_at_us");
  u.created_by = in.opt_str("created_by");
  return u;
}

std::vector<user_record> read_users(soci::rowset<soci::row>& rows) {
  std::vector<user_record> out;
  for (const auto& r : rows) out.push_back(read_user(r));
  return out;
}

// Enforces "unique per tenant" with a message the client can act on; the partial unique
// indexes still catch a race between two requests.
void check_unique(soci::session& sql, const tenant_scope& scope, const std::string& self_id,
                  const std::string& email, const std::optional<std::string>& extension) {
  std::string tenant = scope.tenant_id();
  int n = 0;
  sql << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND email = :e AND id <> :id "
         "AND deleted_at_us IS NULL",
      soci::use(tenant), soci::use(email), soci::use(self_id), soci::into(n);
  if (n > 0) throw store_error(errc::conflict, "email: already used by another user");
  if (!extension) return;
  std::string ext = *extension;
  sql << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND extension = :x AND id <> :id "
         "AND deleted_at_us IS NULL",
      soci::use(tenant), soci::use(ext), soci::use(self_id), soci::into(n);
  if (n > 0) throw store_error(errc::conflict, "extension: already used by another user");
}

user_record require_user(soci::session& sql, const tenant_scope& scope, const std::string& id) {
  auto u = find_user(sql, scope, id);
  if (!u) throw store_error(errc::not_found, "no such user");
  return *u;
}

void write_user(soci::session& sql, const user_record& u) {
  nullable_text phone(u.phone), extension(u.extension), department(u.department),
      employee(u.employee_id);
  long long updated = u.updated_at_us;
  int must_change = u.must_change_password ? 1 : 0;
  sql << "UPDATE users SET email = :email, first_name = :fn, last_name = :ln, display_name = :dn, "
         "phone = :phone, extension = :ext, role = :role, status = :status, preferences = :prefs, "
         "department = :dept, employee_id = :emp, must_change_password = :mcp, "
         "updated_at_us = :upd WHERE id = :id AND tenant_id = :t",
      soci::use(u.email), soci::use(u.first_name), soci::use(u.last_name),
      soci::use(u.display_name), soci::use(phone.value, phone.indicator),
      soci::use(extension.value, extension.indicator), soci::use(u.role), soci::use(u.status),
      soci::use(u.preferences), soci::use(department.value, department.indicator),
      soci::use(employee.value, employee.indicator), soci::use(must_change), soci::use(updated),
      soci::use(u.id), soci::use(u.tenant_id);
}

void bump_token_version(soci::session& sql, const std::string& tenant, const std::string& id) {
  sql << "UPDATE users SET token_version = token_version + 1 WHERE id = :id AND tenant_id = :t",
      soci::use(id), soci::use(tenant);
}

// Ends every login of the user: access tokens by version, refresh tokens by revocation (a
// refresh token would otherwise mint fresh access tokens with the new version).
void end_logins(soci::session& sql, const std::string& tenant, const std::string& id) {
  bump_token_version(sql, tenant, id);
  long long now = now_us();
  sql << "UPDATE refresh_tokens SET revoked_at_us = :n WHERE user_id = :id "
         "AND revoked_at_us IS NULL",
      soci::use(now), soci::use(id);
}

}  // namespace

std::optional<user_record> find_user(soci::session& sql, const tenant_scope& scope,
                                     const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kColumns
                   << " FROM users WHERE id = :id AND tenant_id = :t AND deleted_at_us IS NULL",
       soci::use(id), soci::use(tenant));
  auto users = read_users(rows);
  if (users.empty()) return std::nullopt;
  return users.front();
}

user_page list_users(soci::session& sql, const tenant_scope& scope, const user_filter& f) {
  std::string pattern = "%" + f.search + "%";
  std::transform(pattern.begin(), pattern.end(), pattern.begin(), ::tolower);
  filtered_query users("FROM users");
  users.where("tenant_id = ?", {scope.tenant_id()})
      .where("deleted_at_us IS NULL")
      .where_set("status = ?", f.status)
      .where_set("role = ?", f.role);
  if (!f.search.empty()) {
    users.where(
        "LOWER(email) LIKE ? OR LOWER(first_name) LIKE ? OR LOWER(last_name) LIKE ? "
        "OR LOWER(display_name) LIKE ?",
        {pattern});
  }
  user_page page;
  page.total = users.count(sql);
  auto order = fmt_order(sort_columns().at(f.sort), f.descending) + ", id";
  auto rows = users.page(sql, kColumns, order, f.limit, (f.page - 1) * f.limit);
  page.items = read_users(rows);
  return page;
}

user_record create_user(soci::session& sql, const tenant_scope& scope, user_record u) {
  u.tenant_id = scope.tenant_id();
  if (u.id.empty()) u.id = crypto::random_uuid();
  check_unique(sql, scope, u.id, u.email, u.extension);
  nullable_text hash(u.password_hash), phone(u.phone), extension(u.extension),
      department(u.department), employee(u.employee_id), created_by(u.created_by);
  int superadmin = u.superadmin ? 1 : 0;
  int must_change = u.must_change_password ? 1 : 0;
  long long now = now_us();
  u.created_at_us = u.updated_at_us = now;
  sql << "INSERT INTO users (id, tenant_id, email, password_hash, first_name, last_name, "
         "display_name, phone, extension, role, status, preferences, department, employee_id, "
         "superadmin, must_change_password, token_version, created_at_us, updated_at_us, "
         "created_by) VALUES (:id, :t, :email, :hash, :fn, :ln, :dn, :phone, :ext, :role, "
         ":status, :prefs, :dept, :emp, :sa, :mcp, 0, :c, :u, :by)",
      soci::use(u.id), soci::use(u.tenant_id), soci::use(u.email),
      soci::use(hash.value, hash.indicator), soci::use(u.first_name), soci::use(u.last_name),
      soci::use(u.display_name), soci::use(phone.value, phone.indicator),
      soci::use(extension.value, extension.indicator), soci::use(u.role), soci::use(u.status),
      soci::use(u.preferences), soci::use(department.value, department.indicator),
      soci::use(employee.value, employee.indicator), soci::use(superadmin), soci::use(must_change),
      soci::use(now), soci::use(now), soci::use(created_by.value, created_by.indicator);
  return u;
}

user_record update_user(soci::session& sql, const tenant_scope& scope, const std::string& id,
                        const user_patch& p) {
  auto u = require_user(sql, scope, id);
  if (p.email) u.email = *p.email;
  if (p.first_name) u.first_name = *p.first_name;
  if (p.last_name) u.last_name = *p.last_name;
  if (p.display_name) u.display_name = *p.display_name;
  if (p.phone) u.phone = *p.phone;
  if (p.extension) u.extension = *p.extension;
  if (p.role) u.role = *p.role;
  if (p.preferences) u.preferences = *p.preferences;
  if (p.department) u.department = *p.department;
  if (p.employee_id) u.employee_id = *p.employee_id;
  if (p.must_change_password) u.must_change_password = *p.must_change_password;
  check_unique(sql, scope, u.id, u.email, u.extension);
  u.updated_at_us = now_us();
  write_user(sql, u);
  // A new role must not ride on tokens that carry the old one; a forced password change
  // starts from a new login.
  if (p.role || p.must_change_password.value_or(false)) bump_token_version(sql, u.tenant_id, u.id);
  return require_user(sql, scope, id);
}

user_record set_user_status(soci::session& sql, const tenant_scope& scope, const std::string& id,
                            const std::string& status) {
  auto u = require_user(sql, scope, id);
  u.status = status;
  u.updated_at_us = now_us();
  write_user(sql, u);
  if (status != "active") bump_token_version(sql, u.tenant_id, u.id);
  return require_user(sql, scope, id);
}

void soft_delete_user(soci::session& sql, const tenant_scope& scope, const std::string& id,
                      const std::string& deleted_by) {
  auto u = require_user(sql, scope, id);
  long long now = now_us();
  sql << "UPDATE users SET deleted_at_us = :d, deleted_by = :by, updated_at_us = :u, "
         "token_version = token_version + 1 WHERE id = :id AND tenant_id = :t",
      soci::use(now), soci::use(deleted_by), soci::use(now), soci::use(u.id),
      soci::use(u.tenant_id);
}

void require_email_free(soci::session& sql, const tenant_scope& scope, const std::string& id,
                        const std::string& email) {
  check_unique(sql, scope, id, email, std::nullopt);
}

user_record change_email(soci::session& sql, const tenant_scope& scope, const std::string& id,
                         const std::string& email) {
  auto u = require_user(sql, scope, id);
  check_unique(sql, scope, u.id, email, std::nullopt);
  u.email = email;
  u.updated_at_us = now_us();
  write_user(sql, u);
  end_logins(sql, u.tenant_id, u.id);
  return require_user(sql, scope, id);
}

void set_password(soci::session& sql, const tenant_scope& scope, const std::string& id,
                  const std::string& hash, bool revoke) {
  auto u = require_user(sql, scope, id);
  long long now = now_us();
  sql << "UPDATE users SET password_hash = :h, must_change_password = 0, updated_at_us = :u "
         "WHERE id = :id AND tenant_id = :t",
      soci::use(hash), soci::use(now), soci::use(u.id), soci::use(u.tenant_id);
  if (revoke) end_logins(sql, u.tenant_id, u.id);
}

std::vector<user_record> login_candidates(soci::session& sql, const std::string& email) {
  soci::rowset<soci::row> rows =
      (sql.prepare
           << "SELECT " << kColumns
           << " FROM users WHERE email = :e AND deleted_at_us IS NULL ORDER BY created_at_us",
       soci::use(email));
  return read_users(rows);
}

std::optional<user_record> find_user_any_tenant(soci::session& sql, const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT " << kColumns
                   << " FROM users WHERE id = :id AND deleted_at_us IS NULL",
       soci::use(id));
  auto users = read_users(rows);
  if (users.empty()) return std::nullopt;
  return users.front();
}

void record_login(soci::session& sql, const std::string& id, int64_t at_us) {
  long long at = at_us;
  sql << "UPDATE users SET last_login_at_us = :a WHERE id = :id", soci::use(at), soci::use(id);
}

int64_t count_users(soci::session& sql) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM users", soci::into(n);
  return n;
}

}  // namespace sb::persistence
