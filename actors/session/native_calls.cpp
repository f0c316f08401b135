#include "actors/session/native_calls.hpp"

#include <caf/all.hpp>

#include "actors/calls/call_client.hpp"
#include "config/ground/error_metrics.hpp"
#include "persistence/store.hpp"

namespace sb {

namespace {

call_ok reply_call(const session_deps& deps, std::string id) {
  return [out = deps.out, id](const calls::call_row& c) {
    out->send(ws::text_frame(native::encode_call_ok(id, c)));
  };
}

call_failed reply_failure(const session_deps& deps, std::string id) {
  return [out = deps.out, id](const caf::error& err) {
    auto code = persistence::store_errc(err);
    auto message = persistence::store_error_message(err);
    if (message.empty()) {
      message = code == errc::db_unavailable ? "the database is unavailable, retry later"
                                             : "the call request failed";
    }
    count_error(code);
    out->send(ws::text_frame(native::encode_error(id, code, message)));
  };
}

/// Calls are between users: only their native sessions get `calls` (an app's session, or a
/// VoicePing one, cannot place or take them).
bool refuse_non_user(const session_deps& deps, const std::string& id) {
  if (deps.calls) return false;
  count_error(errc::forbidden);
  deps.out->send(ws::text_frame(
      native::encode_error(id, errc::forbidden, "only users' sessions take part in calls")));
  return true;
}

}  // namespace

void handle_call_invite(session_ptr self, const session_deps& deps, native::call_invite& r) {
  if (refuse_non_user(deps, r.id)) return;
  call_setup setup;
  setup.tenant_id = deps.who.tenant_id;
  setup.caller_id = deps.who.id;
  for (const auto& target : r.callees) setup.callees.push_back(calls::callee_of(target));
  setup.media = std::move(r.media);
  setup.room_id = std::move(r.room_id);
  setup.sdp = std::move(r.sdp);
  setup.device = caf::actor_cast<caf::actor>(self);
  place_call(self->system(), *deps.calls, std::move(setup), reply_call(deps, r.id),
             reply_failure(deps, r.id));
}

void handle_call_request(session_ptr self, const session_deps& deps, native::call_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  call_command cmd;
  cmd.action = r.action;
  cmd.tenant_id = deps.who.tenant_id;
  cmd.user_id = deps.who.id;
  cmd.device = caf::actor_cast<caf::actor>(self);
  cmd.to = std::move(r.to);
  cmd.payload = std::move(r.payload);
  cmd.audio = r.audio;
  cmd.video = r.video;
  ask_call(self->system(), *deps.calls, r.call_id, std::move(cmd), reply_call(deps, r.id),
           reply_failure(deps, r.id));
}

}  // namespace sb
