#pragma once

#include "actors/session/session_actor.hpp"
#include "api/context.hpp"
#include "protocols/server.hpp"
#include "protocols/ws/message_budget.hpp"

namespace sb::api {

/// Answers WebSocket upgrade requests. `/ws` speaks the native JSON protocol with one session
/// actor per connection; other paths get 404, and a draining node 503 shutting_down.
void handle_upgrade(context& ctx, http::request req, protocols::upgrade_responder respond);

/// The message budget of `who`'s connection `out` (rate_limit.ws_messages_per_min and
/// rate_limit.ws_user_messages_per_min); unlimited when limits are off.
ws::message_budget message_budget_for(context& ctx, const principal& who, const ws::outbound& out);

/// A slot for one more WebSocket of `who` (ws.max_connections_per_user / _per_app); nullptr
/// when `who` holds the maximum already.
std::shared_ptr<void> connection_slot(context& ctx, const principal& who);

/// The refusal of an upgrade over the connection quota: 429 too_many_requests.
http::response too_many_connections(const context& ctx, const principal& who,
                                    const http::request& req);

/// Wraps `inner` so that the connection keeps `slot` until it ends.
ws::handler_ptr holding_slot(ws::handler_ptr inner, std::shared_ptr<void> slot);

/// What a session actor of `who` on connection `out` needs from the node.
session_deps session_deps_for(context& ctx, const principal& who, std::vector<std::string> tags,
                              ws::outbound_ptr out, wire protocol = wire::native);

}  // namespace sb::api
