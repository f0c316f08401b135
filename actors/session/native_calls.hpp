#pragma once

#include "actors/session/group_talk.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

// The native protocol's call requests (docs/protocol.md, "Calls"): a user's session places
// calls and acts on them as one of that user's devices; each request is answered with
// call.ok (the call as it is now) or an error with the request id.

void handle_call_invite(session_ptr self, const session_deps& deps, native::call_invite& r);
void handle_call_request(session_ptr self, const session_deps& deps, native::call_request& r);

}  // namespace sb
