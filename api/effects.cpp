#include "api/effects.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/cluster/node_news.hpp"
#include "actors/ptt/membership_news.hpp"
#include "actors/runtime/atoms.hpp"
#include "protocols/ws/frame.hpp"

namespace sb::api {

namespace {

void kick(context& ctx, const std::string& tag, const std::string& reason) {
  tell_directories(ctx.directory, ctx.membership,
                   caf::make_message(kick_atom::value, tag, ws::close_code::revoked, reason));
}

/// The other members drop their cached facts of a user, app or tenant too.
void forget_everywhere(context& ctx, const char* kind, const std::string& id) {
  if (ctx.membership) {
    caf::anon_send(ctx.membership, broadcast_atom::value,
                   caf::make_message(forget_atom::value, std::string(kind), id));
  }
}

}  // namespace

void revoke_user_sessions(context& ctx, const std::string& user_id, const std::string& reason) {
  ctx.auth.cache().forget_user(user_id);
  forget_everywhere(ctx, "user", user_id);
  kick(ctx, "user:" + user_id, reason);
}

void revoke_app_sessions(context& ctx, const std::string& app_id, const std::string& reason) {
  ctx.auth.cache().forget_app(app_id);
  forget_everywhere(ctx, "app", app_id);
  kick(ctx, "app:" + app_id, reason);
}

void revoke_tenant_sessions(context& ctx, const std::string& tenant_id, const std::string& reason) {
  ctx.auth.cache().forget_tenant(tenant_id);
  forget_everywhere(ctx, "tenant", tenant_id);
  kick(ctx, "tenant:" + tenant_id, reason);
}

void revoke_key_sessions(context& ctx, const std::string& key_hash, std::chrono::seconds after,
                         const std::string& reason) {
  if (after.count() <= 0) return kick(ctx, key_tag(key_hash), reason);
  auto msg =
      caf::make_message(kick_atom::value, key_tag(key_hash), ws::close_code::revoked, reason);
  caf::delayed_anon_send(caf::actor_cast<caf::actor>(ctx.directory), after, msg);
  if (ctx.membership) caf::delayed_anon_send(ctx.membership, after, broadcast_atom::value, msg);
}

void tell_entity(context& ctx, const std::string& id, caf::message msg, bool activate) {
  caf::anon_send(ctx.directory, forward_atom::value, id, std::move(msg), activate);
}

void channels_changed(context& ctx, const std::string& tenant_id, const std::string& user_id,
                      const persistence::channel_change& change) {
  announce_channel_change(ctx.directory, ctx.membership, tenant_id, user_id, change);
}

void nudge_mailer(context& ctx) {
  if (ctx.mailer) caf::anon_send(ctx.mailer, tick_atom::value);
}

requester requester_of(const principal& who, const http::request& req) {
  return {who, req.remote_address};
}

persistence::audit_entry audit_of(const requester& by, std::string action, std::string target_kind,
                                  std::string target_id, boost::json::object summary) {
  const auto& who = by.who;
  persistence::audit_entry e;
  if (!who.tenant_id.empty()) e.tenant_id = who.tenant_id;
  switch (who.type) {
    case principal::kind::user:
      e.actor_kind = "user";
      break;
    case principal::kind::app:
      e.actor_kind = "app";
      break;
    case principal::kind::internal:
      e.actor_kind = "internal";
      break;
    case principal::kind::anonymous:
      e.actor_kind = "anonymous";
      break;
  }
  if (who.type != principal::kind::anonymous) e.actor_id = who.id;
  e.action = std::move(action);
  e.target_kind = std::move(target_kind);
  e.target_id = std::move(target_id);
  e.summary = boost::json::serialize(summary);
  if (!by.address.empty()) e.ip = by.address;
  return e;
}

std::string key_tag(const std::string& key_hash) {
  return "apikey:" + key_hash;
}

}  // namespace sb::api
