#include "api/usecases/platform.hpp"

#include "persistence/audit.hpp"
#include "persistence/connection.hpp"

namespace sb::api::platform_cases {

namespace json = boost::json;
using persistence::app_record;

namespace {

void audit_platform(soci::session& sql, persistence::audit_entry e) {
  e.tenant_id.reset();
  persistence::append_audit(sql, std::move(e));
}

void audit_app(soci::session& sql, const requester& by, const app_record& app, std::string action,
               json::object summary = {}) {
  auto e = audit_of(by, std::move(action), "app", app.id, std::move(summary));
  e.tenant_id = app.tenant_id;
  persistence::append_audit(sql, std::move(e));
}

}  // namespace

persistence::tenant_record create_tenant(soci::session& sql, const requester& by,
                                         const std::string& name) {
  auto t = persistence::create_tenant(sql, name);
  audit_platform(sql, audit_of(by, "tenant.created", "tenant", t.id, {{"name", name}}));
  return t;
}

persistence::tenant_record update_tenant(soci::session& sql, const requester& by,
                                         const std::string& id,
                                         const std::optional<std::string>& name,
                                         const std::optional<std::string>& status) {
  auto t = persistence::update_tenant(sql, id, name, status);
  json::object summary;
  if (name) summary["name"] = *name;
  if (status) summary["status"] = *status;
  audit_platform(sql, audit_of(by, "tenant.updated", "tenant", id, summary));
  return t;
}

app_record create_app(soci::session& sql, const requester& by,
                      const std::optional<std::string>& tenant_id, const std::string& name) {
  std::string tenant;
  if (tenant_id) {
    if (!persistence::find_tenant(sql, *tenant_id)) {
      throw persistence::store_error(errc::not_found, "tenant_id: no such tenant");
    }
    tenant = *tenant_id;
  } else {
    // An app of its own: a new tenant named after it.
    tenant = persistence::create_tenant(sql, name).id;
  }
  auto app = persistence::create_app(sql, tenant, name);
  audit_app(sql, by, app, "app.created", {{"name", name}});
  return app;
}

app_record update_app(soci::session& sql, const requester& by, const std::string& id,
                      const std::optional<std::string>& name, const std::optional<bool>& is_active,
                      const std::optional<std::optional<std::string>>& webhook_secret) {
  auto app = persistence::update_app(sql, id, name, is_active, webhook_secret);
  json::object summary;
  if (name) summary["name"] = *name;
  if (is_active) summary["is_active"] = *is_active;
  if (webhook_secret) summary["webhook_secret"] = *webhook_secret ? "set" : "cleared";
  audit_app(sql, by, app, "app.updated", summary);
  return app;
}

persistence::issued_key issue_api_key(soci::session& sql, const requester& by,
                                      const std::string& app_id, int64_t grace_s,
                                      bool rotate_only) {
  auto app = persistence::require_app(sql, app_id);
  if (rotate_only && !app.api_key_hint) {
    throw persistence::store_error(errc::not_found, "the app has no API key to rotate");
  }
  auto issued = persistence::issue_api_key(sql, app_id, grace_s);
  json::object summary{{"new_key_hint", *issued.app.api_key_hint}};
  if (app.api_key_hint) summary["old_key_hint"] = *app.api_key_hint;
  if (grace_s > 0) summary["grace_period_seconds"] = grace_s;
  audit_app(sql, by, issued.app, app.api_key_hint ? "api_key.rotated" : "api_key.created", summary);
  return issued;
}

app_record revoke_api_key(soci::session& sql, const requester& by, const std::string& app_id) {
  auto app = persistence::require_app(sql, app_id);
  persistence::revoke_api_key(sql, app_id);
  audit_app(sql, by, app, "api_key.revoked", {{"old_key_hint", *app.api_key_hint}});
  return persistence::require_app(sql, app_id);
}

}  // namespace sb::api::platform_cases
