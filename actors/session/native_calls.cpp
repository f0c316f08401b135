#include "actors/session/native_calls.hpp"

#include <caf/all.hpp>

#include "actors/calls/call_client.hpp"
#include "actors/session/native_replies.hpp"

namespace sb {

namespace {

call_ok reply_call(const session_deps& deps, std::string id) {
  return [out = deps.out, id](const calls::call_row& c) {
    out->send(ws::text_frame(native::encode_call_ok(id, c)));
  };
}

/// Calls are between users: only their native sessions get `calls` (an app's session, or a
/// VoicePing one, cannot place or take them).
bool refuse_non_user(const session_deps& deps, const std::string& id) {
  return refuse_unless(deps, deps.calls != nullptr, id, "only users' sessions take part in calls");
}

}  // namespace

void handle_call_invite(session_ptr self, const session_deps& deps, native::call_invite& r) {
  if (refuse_non_user(deps, r.id)) return;
  place_call(self->system(), *deps.calls, setup_of(deps.who, r, caf::actor_cast<caf::actor>(self)),
             reply_call(deps, r.id), native_failure(deps, r.id, "the call request failed"));
}

void handle_call_request(session_ptr self, const session_deps& deps, native::call_request& r) {
  if (refuse_non_user(deps, r.id)) return;
  ask_call(self->system(), *deps.calls, r.call_id,
           command_of(deps.who, r, caf::actor_cast<caf::actor>(self)), reply_call(deps, r.id),
           native_failure(deps, r.id, "the call request failed"));
}

}  // namespace sb
