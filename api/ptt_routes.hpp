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

}  // namespace sb::api
