#include "api/usecases/credentials.hpp"

#include "persistence/connection.hpp"

#include "persistence/audit.hpp"
#include "persistence/identity/tokens.hpp"

namespace sb::api::credential_cases {

namespace {

/// A user acting on their own account through a token (no session to name them).
requester self_of(const persistence::user_record& u, const std::string& address) {
  return {{principal::kind::user, u.id, u.tenant_id, u.role}, address};
}

}  // namespace

std::pair<persistence::user_record, std::string> change_password(soci::session& sql,
                                                                 const requester& by,
                                                                 const std::string& hash,
                                                                 int64_t refresh_ttl_us) {
  persistence::tenant_scope scope(by.who.tenant_id);
  persistence::set_password(sql, scope, by.who.id, hash, true);
  persistence::append_audit(sql, audit_of(by, "user.password_changed", "user", by.who.id));
  auto u = *persistence::find_user(sql, scope, by.who.id);
  return {u, persistence::issue_refresh_token(sql, u, "", refresh_ttl_us)};
}

std::pair<persistence::user_record, std::string> complete_first_run(
    soci::session& sql, const requester& by, const std::string& hash,
    const std::string& display_name, const std::optional<std::string>& email,
    int64_t refresh_ttl_us) {
  persistence::tenant_scope scope(by.who.tenant_id);
  auto u = persistence::find_user(sql, scope, by.who.id);
  if (!u) throw persistence::store_error(errc::not_found, "no such user");
  if (!u->must_change_password) {
    throw persistence::store_error(errc::bad_request, "Profile already complete");
  }
  if (email && *email != u->email) {
    throw persistence::store_error(
        errc::bad_request,
        "email: a new address is confirmed through it: PUT /api/v1/users/:id after this step");
  }
  persistence::user_patch patch;
  patch.display_name = display_name;
  persistence::update_user(sql, scope, by.who.id, patch);
  return change_password(sql, by, hash, refresh_ttl_us);
}

std::optional<persistence::user_record> reset_password(soci::session& sql,
                                                       const std::string& address,
                                                       const std::string& token,
                                                       const std::string& hash) {
  auto user = persistence::consume_password_reset(sql, token);
  if (!user) return std::nullopt;
  persistence::set_password(sql, persistence::tenant_scope(user->tenant_id), user->id, hash, true);
  persistence::append_audit(
      sql, audit_of(self_of(*user, address), "user.password_reset", "user", user->id));
  return user;
}

std::optional<persistence::user_record> confirm_email(soci::session& sql,
                                                      const std::string& address,
                                                      const std::string& token) {
  auto user = persistence::confirm_email_change(sql, token);
  if (!user) return std::nullopt;
  persistence::append_audit(sql, audit_of(self_of(*user, address), "user.email_changed", "user",
                                          user->id, {{"email", user->email}}));
  return user;
}

}  // namespace sb::api::credential_cases
