#pragma once

#include "api/context.hpp"
#include "protocols/server.hpp"

namespace sb::api {

/// Answers WebSocket upgrade requests. `/ws` speaks the native JSON protocol with one session
/// actor per connection; other paths get 404, and a draining node 503 shutting_down.
void handle_upgrade(context& ctx, http::request req, protocols::upgrade_responder respond);

}  // namespace sb::api
