#include "api/usecases/user_admin.hpp"

#include <fmt/format.h>

#include "config/domain/identity/privilege.hpp"
#include "persistence/audit.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/tokens.hpp"
#include "persistence/outbox.hpp"

namespace sb::api::user_cases {

namespace json = boost::json;
using persistence::tenant_scope;
using persistence::user_record;

namespace {

/// The user a change acts on; refused when the account outranks the caller (privilege.hpp).
/// Runs inside the change's transaction, so the rank checked is the rank changed.
user_record manageable_user(soci::session& sql, const tenant_scope& scope, const std::string& id,
                            const principal& who) {
  auto u = persistence::find_user(sql, scope, id);
  if (!u) throw persistence::store_error(errc::not_found, "no such user");
  if (!may_manage(who, privilege_of(u->role, u->superadmin))) {
    throw persistence::store_error(errc::forbidden, "this account has more privilege than yours");
  }
  return *u;
}

/// Mails the confirmation of an address change to the new address, and a notice to the old one.
void mail_email_change(soci::session& sql, const user_record& u, const std::string& new_email,
                       const std::string& token, const config::auth_config& auth) {
  auto hours = auth.email_change_ttl_s / 3600;
  persistence::enqueue_email(
      sql, u.tenant_id, new_email, "Confirm your new Switchboard address",
      fmt::format("Your Switchboard account {} is to use this address from now on.\r\n\r\n"
                  "To confirm, open this link within {} hours:\r\n"
                  "{}/confirm-email?token={}\r\n\r\n"
                  "Until then the account keeps its old address. If you did not expect this, "
                  "ignore this message.\r\n",
                  u.email, hours, auth.web_base_url, token));
  persistence::enqueue_email(
      sql, u.tenant_id, u.email, "Your Switchboard address is being changed",
      fmt::format("Someone asked to change the address of your Switchboard account to {}.\r\n"
                  "The change takes effect only when that address confirms it. If this was not "
                  "you or your administrator, tell your administrator.\r\n",
                  new_email));
}

/// The audit row of a change in `scope` (which may be another tenant than the caller's).
void audit_in(soci::session& sql, const tenant_scope& scope, persistence::audit_entry entry) {
  entry.tenant_id = scope.tenant_id();
  persistence::append_audit(sql, std::move(entry));
}

}  // namespace

user_record create_user(soci::session& sql, const requester& by, const tenant_scope& scope,
                        user_record u) {
  auto created = persistence::create_user(sql, scope, std::move(u));
  audit_in(
      sql, scope,
      audit_of(by, "user.created", "user", created.id,
               {{"email", created.email}, {"role", created.role}, {"status", created.status}}));
  return created;
}

user_update update_user(soci::session& sql, const requester& by, const tenant_scope& scope,
                        const std::string& id, const persistence::user_patch& patch,
                        const json::object& changed, const config::auth_config& auth) {
  auto before = manageable_user(sql, scope, id, by.who);
  user_update out;
  if (patch.email && *patch.email != before.email) {
    persistence::require_email_free(sql, scope, id, *patch.email);
    auto ttl = int64_t{auth.email_change_ttl_s} * 1'000'000;
    auto token = persistence::create_email_change(sql, before, *patch.email, by.who.id, ttl);
    mail_email_change(sql, before, *patch.email, token, auth);
    out.pending_email = *patch.email;
  }
  auto rest = patch;  // a job may run again (store_job.hpp): the patch stays as it came
  rest.email.reset();
  out.user = persistence::update_user(sql, scope, id, rest);
  audit_in(sql, scope, audit_of(by, "user.updated", "user", id, changed));
  return out;
}

user_record set_user_status(soci::session& sql, const requester& by, const tenant_scope& scope,
                            const std::string& id, const std::string& status) {
  manageable_user(sql, scope, id, by.who);
  auto u = persistence::set_user_status(sql, scope, id, status);
  audit_in(sql, scope, audit_of(by, "user.status_changed", "user", id, {{"status", status}}));
  return u;
}

void delete_user(soci::session& sql, const requester& by, const tenant_scope& scope,
                 const std::string& id) {
  manageable_user(sql, scope, id, by.who);
  persistence::soft_delete_user(sql, scope, id, by.who.id);
  audit_in(sql, scope, audit_of(by, "user.deleted", "user", id));
}

}  // namespace sb::api::user_cases
