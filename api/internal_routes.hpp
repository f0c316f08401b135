#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// /internal/apps and their API keys, guarded by Authorization: Bearer <INTERNAL_API_SECRET>
/// (the CTI seed's shapes; docs/api.md).
void add_internal_routes(router& r, context& ctx);

}  // namespace sb::api
