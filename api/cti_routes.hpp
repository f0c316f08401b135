#pragma once

#include "api/context.hpp"
#include "api/router.hpp"
#include "config/domain/identity/principal.hpp"

namespace sb::api {

/// Dialpad webhook ingestion: POST /webhooks/dialpad[/:appId] (public, signed).
void add_cti_webhook_routes(router& r, context& ctx);

/// The Calls API (x-app-api-key): /api/calls, /api/calls/:id. (/api/calls/active is shared
/// with users: add_call_routes answers it, through list_cti_calls for apps.)
void add_cti_call_routes(router& r, context& ctx);

/// Answers an app's call list (/api/calls, or only live calls for /api/calls/active).
void list_cti_calls(context& ctx, const http::request& req, const principal& app, bool active_only,
                    http::responder respond);

/// Operators' CTI routes under /internal/apps/:app_id: voicemails, user mappings, webhook
/// events (failed ones listed and replayed).
void add_cti_internal_routes(router& r, context& ctx);

/// Dialpad OAuth 2.0 connect flow: GET /auth/dialpad (an app's key), GET
/// /auth/dialpad/callback (public), GET /internal/apps/:app_id/dialpad (status, never tokens).
void add_cti_oauth_routes(router& r, context& ctx);

}  // namespace sb::api
