#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// /api/v1/auth: login, refresh, logout, me, change-password, forgot-password,
/// reset-password (docs/api.md).
void add_auth_routes(router& r, context& ctx);

}  // namespace sb::api
