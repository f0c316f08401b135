#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>

#include "config/ground/clock.hpp"
#include "config/ground/json_or_null.hpp"
#include "persistence/audit.hpp"
#include "persistence/identity/apps.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "protocols/http/message.hpp"

namespace sb::api {

/// A user in the Voxera shape (camelCase). Never includes the password hash. The role has the
/// seed's name (`customer_admin` for a tenant admin).
boost::json::object user_json(const persistence::user_record& u);

/// A user as a colleague's contact list shows it: id, names, email, extension, department,
/// role and status; nothing personal (phone, preferences) or administrative.
boost::json::object contact_json(const persistence::user_record& u);

/// The seed's name of a role: `customer_admin` for `admin`; the others as they are.
std::string_view seed_role(std::string_view role);
/// The VoicePing control plane's global role: ADMIN for a tenant administrator (`role` ours or
/// as seed_role gives it) or an operator, USER for everyone else.
std::string_view global_role(std::string_view role, bool superadmin);
boost::json::object tenant_json(const persistence::tenant_record& t);
boost::json::object app_json(const persistence::app_record& a);
boost::json::object audit_json(const persistence::audit_entry& e);

/// 200 (or `status`) {"success":true,"data":…}: Voxera's ApiResponse<T>.
http::response api_response(boost::json::value data, uint16_t status = 200);

/// {"success":true,"data":[…],"pagination":{"page","limit","total","totalPages"}}:
/// Voxera's ListResponse<T>.
http::response list_response(boost::json::array items, int64_t page, int64_t limit, int64_t total);

/// The CTI seed's pagination object: {"limit","offset","total","has_more"}.
boost::json::object seed_pagination(int64_t limit, int64_t offset, int64_t total);

/// The CTI seed's list shape: {"success":true,"data":[…],"pagination":{…}}.
http::response seed_list_response(boost::json::array items, boost::json::object pagination);

}  // namespace sb::api
