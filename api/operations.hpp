#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// GET /health (liveness plus database reachability; 503 "degraded" when the database is
/// down) and GET /metrics (Prometheus text exposition). Both deliberately public.
void add_operations_routes(router& r, context& ctx);

/// The VoicePing control plane's readiness payload (GET /api/ready, GET /api/admin/status).
void readiness(context& ctx, http::responder respond);

}  // namespace sb::api
