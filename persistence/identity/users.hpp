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

/// A user row. Times are epoch microseconds.
struct user_record {
  std::string id;
  std::string tenant_id;
  std::string email;
  std::optional<std::string> password_hash;
  std::string first_name;
  std::string last_name;
  std::string display_name;
  std::optional<std::string> phone;
  std::optional<std::string> extension;
  std::string role;
  std::string status;
  std::string preferences = "{}";  ///< a JSON object, as text
  std::optional<std::string> department;
  std::optional<std::string> employee_id;
  bool superadmin = false;
  bool must_change_password = false;
  int64_t token_version = 0;
  std::optional<int64_t> last_login_at_us;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
  std::optional<std::string> created_by;
};

/// Which users a list returns and in what order. `sort` and `order` must already be
/// validated against the whitelist in users.cpp (the API layer checks them).
struct user_filter {
  std::string status;  ///< "" = any
  std::string role;    ///< "" = any
  std::string search;  ///< case-insensitive substring of name or email; "" = none
  std::string sort = "created";
  bool descending = true;
  int64_t page = 1;
  int64_t limit = 20;
};

struct user_page {
  std::vector<user_record> items;
  int64_t total = 0;
};

/// Changes to a user; absent fields stay. For nullable fields, an inner nullopt clears.
struct user_patch {
  std::optional<std::string> email;
  std::optional<std::string> first_name;
  std::optional<std::string> last_name;
  std::optional<std::string> display_name;
  std::optional<std::optional<std::string>> phone;
  std::optional<std::optional<std::string>> extension;
  std::optional<std::string> role;
  std::optional<std::string> preferences;
  std::optional<std::optional<std::string>> department;
  std::optional<std::optional<std::string>> employee_id;
  /// true: the user must change the password before anything else, and every login ends.
  std::optional<bool> must_change_password;
};

// Tenant-scoped operations: every statement is restricted to scope.tenant_id(), and deleted
// users are invisible. A user of another tenant is "not found", never "forbidden".

std::optional<user_record> find_user(soci::session& sql, const tenant_scope& scope,
                                     const std::string& id);
user_page list_users(soci::session& sql, const tenant_scope& scope, const user_filter& f);
/// Throws store_error(conflict) when the email or extension is taken in the tenant.
user_record create_user(soci::session& sql, const tenant_scope& scope, user_record u);
/// Throws store_error(not_found) or store_error(conflict).
user_record update_user(soci::session& sql, const tenant_scope& scope, const std::string& id,
                        const user_patch& patch);
/// Sets the status; leaving "active" also revokes every token the user holds.
user_record set_user_status(soci::session& sql, const tenant_scope& scope, const std::string& id,
                            const std::string& status);
/// Marks the user deleted (their email and extension become free) and revokes their tokens.
void soft_delete_user(soci::session& sql, const tenant_scope& scope, const std::string& id,
                      const std::string& deleted_by);
/// Throws store_error(conflict) when another live user of the tenant has this address.
void require_email_free(soci::session& sql, const tenant_scope& scope, const std::string& id,
                        const std::string& email);
/// Gives the user a new address (confirmed by its owner) and ends every login of the user.
user_record change_email(soci::session& sql, const tenant_scope& scope, const std::string& id,
                         const std::string& email);
/// Replaces the password hash; with `revoke`, every login of the user ends (access tokens
/// issued before now stop working, refresh tokens are revoked).
void set_password(soci::session& sql, const tenant_scope& scope, const std::string& id,
                  const std::string& hash, bool revoke);

// Platform-level lookups, for authentication only (they cross tenants by nature).

/// Live users with this email, in every tenant (login resolves which one the password fits).
std::vector<user_record> login_candidates(soci::session& sql, const std::string& email);
/// A live user by id regardless of tenant: the token verifier learns the user's tenant here.
std::optional<user_record> find_user_any_tenant(soci::session& sql, const std::string& id);
void record_login(soci::session& sql, const std::string& id, int64_t at_us);
int64_t count_users(soci::session& sql);

}  // namespace sb::persistence
