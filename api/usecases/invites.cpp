#include "api/usecases/invites.hpp"

#include <fmt/format.h>

#include "persistence/audit.hpp"
#include "persistence/outbox.hpp"

namespace sb::api::invite_cases {

namespace json = boost::json;

persistence::issued_invite create_invite(soci::session& sql, const requester& by,
                                         const invite_request& in) {
  persistence::tenant_scope scope(by.who.tenant_id);
  auto issued = persistence::create_invite(sql, scope, in.email, in.role, in.ttl_s * 1'000'000,
                                           in.max_uses, by.who.id);
  persistence::append_audit(sql,
                            audit_of(by, "invite.created", "invite", issued.invite.id,
                                     {{"role", in.role},
                                      {"maxUses", in.max_uses},
                                      {"email", in.email ? json::value(*in.email) : nullptr}}));
  if (in.email) {
    persistence::enqueue_email(
        sql, scope.tenant_id(), *in.email, "You are invited to Switchboard",
        fmt::format("You have been invited to join Switchboard.\r\n\r\n"
                    "Accept the invitation here:\r\n{}/accept-invite?token={}\r\n",
                    in.web_base_url, issued.token));
  }
  return issued;
}

std::optional<std::pair<persistence::user_record, std::string>> accept_invite(
    soci::session& sql, const std::string& address, const std::string& token,
    persistence::user_record u, int64_t refresh_ttl_us) {
  auto invite = persistence::use_invite(sql, token, u.email);
  if (!invite) return std::nullopt;
  u.role = invite->role;
  auto created = persistence::create_user(sql, persistence::tenant_scope(invite->tenant_id), u);
  requester by{{principal::kind::user, created.id, created.tenant_id, created.role}, address};
  persistence::append_audit(
      sql, audit_of(by, "invite.accepted", "user", created.id, {{"inviteId", invite->id}}));
  return std::make_pair(created,
                        persistence::issue_refresh_token(sql, created, "", refresh_ttl_us));
}

}  // namespace sb::api::invite_cases
