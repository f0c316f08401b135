#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// /api/auth: the VoicePing control plane's sign-in paths, for its dispatch console (login,
/// logout, me, first-run, change-password, forgot-password, reset-password; docs/api.md).
void add_console_auth_routes(router& r, context& ctx);

}  // namespace sb::api
