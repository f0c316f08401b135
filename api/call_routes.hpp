#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// Calls (docs/api.md, "Calls"): /api/calls/initiate and the per-call actions of the WebRTC
/// signaling seed, /api/calls/active (users and apps), /api/calls/ice-servers, call events,
/// and /api/v1/call-history. Add before add_cti_call_routes: its /api/calls/:id would match
/// the literal paths.
void add_call_routes(router& r, context& ctx);

}  // namespace sb::api
