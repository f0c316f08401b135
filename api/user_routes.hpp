#pragma once

#include "api/context.hpp"
#include "api/router.hpp"

namespace sb::api {

/// /api/v1/users (Voxera's shapes), /api/v1/tenants (operators), /api/v1/audit-logs and
/// /api/v1/invites (docs/api.md).
void add_user_routes(router& r, context& ctx);
void add_tenant_routes(router& r, context& ctx);
void add_audit_routes(router& r, context& ctx);
void add_invite_routes(router& r, context& ctx);

}  // namespace sb::api
