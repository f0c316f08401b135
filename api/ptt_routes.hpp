#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// The push-to-talk control plane of the VoicePing seed, at its own paths: /api/events…,
/// /api/teams/:teamId/channels, /api/invites/:token/join (docs/api.md).
void add_ptt_routes(router& r, context& ctx);

/// Live views and files: event overview and traffic (read from the talk-group actors),
/// router tokens, and recorded bursts at /files/audio/:messageId.
void add_ptt_live_routes(router& r, context& ctx);

/// Serves a recorded burst to `who` if they may hear it: its parties, the channel's listeners,
/// the event's dispatchers and administrators (404 for anyone else).
void serve_recording(context& ctx, http::request req, std::string message_id, principal who,
                     http::responder respond);

}  // namespace sb::api
