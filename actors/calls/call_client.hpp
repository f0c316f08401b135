#pragma once

#include <caf/actor_system.hpp>
#include <caf/error.hpp>

#include <functional>
#include <string>

#include "actors/calls/call_actor.hpp"
#include "config/domain/identity/principal.hpp"
#include "protocols/native/call_codec.hpp"

namespace sb {

// Reaching calls from anywhere (an HTTP handler, a session): each function runs a short-lived
// actor and calls back on it, never on the caller's thread. Callbacks must not block.

using call_ok = std::function<void(const calls::call_row&)>;
using call_failed = std::function<void(const caf::error&)>;

/// Starts a call actor for `setup`; `ok` once the call rings (or was missed at once).
void place_call(caf::actor_system& sys, const call_deps& deps, call_setup setup, call_ok ok,
                call_failed failed);

/// Sends `cmd` to the live call `call_id`. A call that is over is read from the store: its
/// status is answered to its participants, anything else is a conflict ("the call has ended");
/// an unknown call (or one of another tenant) is not_found.
void ask_call(caf::actor_system& sys, const call_deps& deps, const std::string& call_id,
              call_command cmd, call_ok ok, call_failed failed);

/// A call.invite (native, or a Socket.IO event mapped onto it) from one of `who`'s devices, as
/// the setup of the call it asks for.
call_setup setup_of(const principal& who, const native::call_invite& r, caf::actor device);

/// Any other call request of `who`'s device, as the command for the call actor.
call_command command_of(const principal& who, const native::call_request& r, caf::actor device);

}  // namespace sb
