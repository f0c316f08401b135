#pragma once

#include <soci/session.h>

#include <optional>
#include <string>

#include "api/effects.hpp"
#include "persistence/identity/apps.hpp"
#include "persistence/identity/tenants.hpp"

// The operators' use cases (docs/api.md, "Tenants" and "Apps"), each inside one store
// transaction with its audit row: tenant changes are platform rows (no tenant), app changes are
// filed in the app's tenant so that its administrators see them too. Secrets never reach a
// summary: a webhook secret is "set" or "cleared", an API key by its hint.

namespace sb::api::platform_cases {

persistence::tenant_record create_tenant(soci::session& sql, const requester& by,
                                         const std::string& name);
persistence::tenant_record update_tenant(soci::session& sql, const requester& by,
                                         const std::string& id,
                                         const std::optional<std::string>& name,
                                         const std::optional<std::string>& status);

/// In `tenant_id` when given (404 when it does not exist), else in a new tenant named after it.
persistence::app_record create_app(soci::session& sql, const requester& by,
                                   const std::optional<std::string>& tenant_id,
                                   const std::string& name);
persistence::app_record update_app(soci::session& sql, const requester& by, const std::string& id,
                                   const std::optional<std::string>& name,
                                   const std::optional<bool>& is_active,
                                   const std::optional<std::optional<std::string>>& webhook_secret);

/// Creates the app's key, or rotates it (the old one works `grace_s` longer). `rotate_only`
/// refuses an app without a key (404).
persistence::issued_key issue_api_key(soci::session& sql, const requester& by,
                                      const std::string& app_id, int64_t grace_s, bool rotate_only);
persistence::app_record revoke_api_key(soci::session& sql, const requester& by,
                                       const std::string& app_id);

}  // namespace sb::api::platform_cases
