#pragma once

#include "actors/session/session_actor.hpp"
#include "api/context.hpp"
#include "protocols/server.hpp"

namespace sb::api {

/// Answers WebSocket upgrade requests. `/ws` speaks the native JSON protocol with one session
/// actor per connection; other paths get 404, and a draining node 503 shutting_down.
void handle_upgrade(context& ctx, http::request req, protocols::upgrade_responder respond);

/// The per-connection message budget (rate_limit.ws_messages_per_min); 0 when limits are off.
uint32_t ws_messages_per_min(const context& ctx);

/// What a session actor of `who` on connection `out` needs from the node.
session_deps session_deps_for(context& ctx, const principal& who, std::vector<std::string> tags,
                              ws::outbound_ptr out, wire protocol = wire::native);

}  // namespace sb::api
