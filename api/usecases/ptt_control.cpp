#include "api/usecases/ptt_control.hpp"

#include <fmt/format.h>

#include "config/domain/identity/privilege.hpp"
#include "config/domain/ptt/event_rules.hpp"
#include "persistence/audit.hpp"
#include "persistence/connection.hpp"
#include "persistence/outbox.hpp"

namespace sb::api::ptt_cases {

namespace json = boost::json;
using persistence::tenant_scope;

namespace {

tenant_scope scope_of(const principal& who) {
  return tenant_scope(who.tenant_id);
}

/// The event exists for this tenant (404 otherwise) and the caller may manage it: an
/// administrator, or a DISPATCH member (403 otherwise).
void require_event_manager(soci::session& sql, const principal& who, const std::string& event_id) {
  auto scope = scope_of(who);
  if (!persistence::find_event(sql, scope, event_id)) {
    throw persistence::store_error(errc::not_found, "no such event");
  }
  if (!ptt::may_manage_event(who, persistence::is_event_dispatcher(sql, scope, event_id, who.id))) {
    throw persistence::store_error(errc::forbidden, "dispatchers and administrators only");
  }
}

}  // namespace

persistence::ptt_event create_event(soci::session& sql, const requester& by,
                                    const event_fields& in) {
  auto limits = persistence::event_limits::parse(in.limits.value_or("{}"));
  auto e = persistence::create_event(sql, scope_of(by.who), in.name.value_or(""),
                                     in.requires_approval.value_or(false), limits, by.who.id);
  persistence::append_audit(sql, audit_of(by, "event_created", "event", e.id, {{"name", e.name}}));
  return e;
}

persistence::ptt_event update_event(soci::session& sql, const requester& by,
                                    const std::string& event_id, const event_fields& in) {
  auto e = persistence::update_event(sql, scope_of(by.who), event_id, in.name, in.requires_approval,
                                     in.limits);
  persistence::append_audit(sql, audit_of(by, "event_updated", "event", event_id));
  return e;
}

std::vector<persistence::ptt_event> visible_events(soci::session& sql, const principal& who) {
  return is_admin(who) ? persistence::list_events(sql, scope_of(who))
                       : persistence::list_user_events(sql, scope_of(who), who.id);
}

std::vector<persistence::ptt_channel> visible_channels(soci::session& sql, const principal& who,
                                                       const std::string& event_id) {
  auto scope = scope_of(who);
  if (!persistence::find_event(sql, scope, event_id)) {
    throw persistence::store_error(errc::not_found, "no such event");
  }
  bool all =
      ptt::may_manage_event(who, persistence::is_event_dispatcher(sql, scope, event_id, who.id));
  return all ? persistence::list_channels(sql, scope, event_id)
             : persistence::user_event_channels(sql, scope, event_id, who.id);
}

persistence::ptt_team create_team(soci::session& sql, const requester& by,
                                  const std::string& event_id, const std::string& name) {
  require_event_manager(sql, by.who, event_id);
  auto t = persistence::create_team(sql, scope_of(by.who), event_id, name);
  persistence::append_audit(
      sql, audit_of(by, "team_created", "team", t.id, {{"eventId", event_id}, {"name", name}}));
  return t;
}

persistence::ptt_channel create_channel(soci::session& sql, const requester& by,
                                        std::optional<std::string> event_id,
                                        const std::optional<std::string>& team_id,
                                        const std::string& name) {
  if (!event_id) {
    // A team's channel belongs to the team's event.
    auto t = persistence::find_team(sql, scope_of(by.who), team_id.value_or(""));
    if (!t) throw persistence::store_error(errc::not_found, "no such team");
    event_id = t->event_id;
  }
  require_event_manager(sql, by.who, *event_id);
  auto c = persistence::create_channel(sql, scope_of(by.who), *event_id, team_id, name);
  persistence::append_audit(
      sql, audit_of(by, team_id ? "channel_created" : "admin_channel_created", "channel", c.id,
                    {{"eventId", *event_id}, {"name", name}}));
  return c;
}

persistence::channel_change assign_user(soci::session& sql, const requester& by,
                                        const std::string& event_id, const assignment& a) {
  require_event_manager(sql, by.who, event_id);
  auto change = persistence::assign_user(sql, scope_of(by.who), event_id, a.user_id, a.role,
                                         a.team_ids, a.channel_ids, by.who.id);
  persistence::append_audit(sql, audit_of(by, "event_user_assigned", "user", a.user_id,
                                          {{"eventId", event_id}, {"role", a.role}}));
  return change;
}

persistence::channel_change decide_user(soci::session& sql, const requester& by,
                                        const std::string& event_id, const std::string& user_id,
                                        bool approve) {
  require_event_manager(sql, by.who, event_id);
  auto change =
      persistence::decide_user(sql, scope_of(by.who), event_id, user_id, approve, by.who.id);
  persistence::append_audit(
      sql, audit_of(by, approve ? "event_user_approved" : "event_user_rejected", "user", user_id,
                    {{"eventId", event_id}}));
  return change;
}

persistence::channel_change set_user_channels(soci::session& sql, const requester& by,
                                              const std::string& event_id,
                                              const std::string& user_id,
                                              const std::vector<std::string>& channel_ids) {
  require_event_manager(sql, by.who, event_id);
  auto change =
      persistence::set_user_channels(sql, scope_of(by.who), event_id, user_id, channel_ids);
  persistence::append_audit(
      sql, audit_of(by, "user_channels_updated", "user", user_id, {{"eventId", event_id}}));
  return change;
}

persistence::channel_change set_user_teams(soci::session& sql, const requester& by,
                                           const std::string& event_id, const std::string& user_id,
                                           const std::vector<std::string>& team_ids) {
  require_event_manager(sql, by.who, event_id);
  persistence::set_user_teams(sql, scope_of(by.who), event_id, user_id, team_ids);
  persistence::append_audit(
      sql, audit_of(by, "user_teams_updated", "user", user_id, {{"eventId", event_id}}));
  return {};  // teams carry no audio: no talk group changes
}

persistence::event_invite create_invite(soci::session& sql, const requester& by,
                                        const std::string& event_id, const invite_request& in) {
  require_event_manager(sql, by.who, event_id);
  auto scope = scope_of(by.who);
  auto invite = persistence::create_event_invite(sql, scope, event_id, in.team_id, in.channel_ids,
                                                 in.minutes * 60'000'000, in.max_uses, by.who.id);
  persistence::append_audit(
      sql, audit_of(by, "invite_created", "event", event_id, {{"maxUses", in.max_uses}}));
  if (in.email) {
    persistence::enqueue_email(sql, scope.tenant_id(), *in.email,
                               "You are invited to a Switchboard event",
                               fmt::format("Join the event here:\r\n{}/login?invite={}\r\n",
                                           in.web_base_url, invite.token));
  }
  return invite;
}

persistence::channel_change join_invite(soci::session& sql, const requester& by,
                                        const std::string& token) {
  auto change = persistence::join_event_invite(sql, scope_of(by.who), token, by.who.id);
  persistence::append_audit(sql, audit_of(by, "invite_joined", "user", by.who.id));
  return change;
}

persistence::test_seed plant_test_seed(soci::session& sql, const requester& by,
                                       const persistence::seed_names& names, bool& created) {
  auto seed = persistence::plant_test_seed(sql, scope_of(by.who), names, by.who.id, created);
  if (created) {
    persistence::append_audit(sql, audit_of(by, "test_seed_planted", "event", seed.event->id,
                                            {{"name", seed.event->name}}));
  }
  return seed;
}

std::vector<std::pair<std::string, persistence::channel_change>> remove_test_seed(
    soci::session& sql, const requester& by, const persistence::seed_names& names) {
  auto seed = persistence::find_test_seed(sql, scope_of(by.who), names);
  if (!seed.event) throw persistence::store_error(errc::not_found, "there is no test seed");
  auto changes = persistence::delete_event(sql, scope_of(by.who), seed.event->id);
  persistence::append_audit(sql, audit_of(by, "test_seed_removed", "event", seed.event->id,
                                          {{"name", seed.event->name}}));
  return changes;
}

}  // namespace sb::api::ptt_cases
