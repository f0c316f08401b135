#include "api/output.hpp"

#include "config/ground/json_or_null.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <ctime>

namespace sb::api {

namespace json = boost::json;

json::object user_json(const persistence::user_record& u) {
  json::error_code ec;
  auto prefs = json::parse(u.preferences, ec);
  return json::object{
      {"id", u.id},
      {"tenantId", u.tenant_id},
      {"customerId", u.tenant_id},  // Voxera's name for the tenant
      {"email", u.email},
      {"firstName", u.first_name},
      {"lastName", u.last_name},
      {"displayName", u.display_name},
      {"phone", json_or_null(u.phone)},
      {"extension", json_or_null(u.extension)},
      {"role", seed_role(u.role)},
      {"status", u.status},
      {"preferences", ec || !prefs.is_object() ? json::value(json::object{}) : prefs},
      {"department", json_or_null(u.department)},
      {"employeeId", json_or_null(u.employee_id)},
      {"superadmin", u.superadmin},
      {"mustChangePassword", u.must_change_password},
      {"lastLoginAt", iso_time_or_null(u.last_login_at_us)},
      {"createdAt", iso_time(u.created_at_us)},
      {"updatedAt", iso_time(u.updated_at_us)},
      {"createdBy", json_or_null(u.created_by)},
  };
}

json::object contact_json(const persistence::user_record& u) {
  return json::object{{"id", u.id},
                      {"email", u.email},
                      {"firstName", u.first_name},
                      {"lastName", u.last_name},
                      {"displayName", u.display_name},
                      {"extension", json_or_null(u.extension)},
                      {"department", json_or_null(u.department)},
                      {"role", seed_role(u.role)},
                      {"status", u.status}};
}

std::string_view seed_role(std::string_view role) {
  return role == "admin" ? "customer_admin" : role;
}

std::string_view global_role(std::string_view role, bool superadmin) {
  return superadmin || role == "admin" || role == seed_role("admin") ? "ADMIN" : "USER";
}

json::object tenant_json(const persistence::tenant_record& t) {
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"status", t.status},
                      {"createdAt", iso_time(t.created_at_us)},
                      {"updatedAt", iso_time(t.updated_at_us)}};
}

json::object app_json(const persistence::app_record& a) {
  return json::object{{"app_id", a.id},
                      {"tenant_id", a.tenant_id},
                      {"name", a.name},
                      {"is_active", a.is_active},
                      {"webhook_secret_set", a.webhook_secret_set},
                      {"key_hint", json_or_null(a.api_key_hint)},
                      {"rotated_at", iso_time_or_null(a.api_key_rotated_at_us)},
                      {"created_at", iso_time(a.created_at_us)},
                      {"updated_at", iso_time(a.updated_at_us)}};
}

json::object audit_json(const persistence::audit_entry& e) {
  json::error_code ec;
  auto summary = json::parse(e.summary, ec);
  return json::object{{"id", e.id},
                      {"tenantId", json_or_null(e.tenant_id)},
                      {"actorKind", e.actor_kind},
                      {"actorId", json_or_null(e.actor_id)},
                      {"action", e.action},
                      {"targetKind", json_or_null(e.target_kind)},
                      {"targetId", json_or_null(e.target_id)},
                      {"summary", ec ? json::value(json::object{}) : summary},
                      {"ip", json_or_null(e.ip)},
                      {"createdAt", iso_time(e.created_at_us)}};
}

http::response api_response(json::value data, uint16_t status) {
  return http::response::json(status,
                              json::serialize(json::object{{"success", true}, {"data", data}}));
}

http::response list_response(json::array items, int64_t page, int64_t limit, int64_t total) {
  int64_t pages = limit > 0 ? (total + limit - 1) / limit : 0;
  json::object body{
      {"success", true},
      {"data", std::move(items)},
      {"pagination",
       json::object{{"page", page}, {"limit", limit}, {"total", total}, {"totalPages", pages}}}};
  return http::response::json(200, json::serialize(body));
}

json::object seed_pagination(int64_t limit, int64_t offset, int64_t total) {
  return json::object{
      {"limit", limit}, {"offset", offset}, {"total", total}, {"has_more", offset + limit < total}};
}

http::response seed_list_response(json::array items, json::object pagination) {
  json::object body{
      {"success", true}, {"data", std::move(items)}, {"pagination", std::move(pagination)}};
  return http::response::json(200, json::serialize(body));
}

}  // namespace sb::api
