#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// /api/admin: the VoicePing control plane's user administration and status, for its
/// dispatch console (users list, create and update; status; docs/api.md).
void add_console_admin_routes(router& r, context& ctx);

}  // namespace sb::api
