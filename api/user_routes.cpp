#include "api/user_routes.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/hasher_calls.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "api/usecases/user_admin.hpp"
#include "config/domain/identity/privilege.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/users.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::tenant_scope;
using persistence::user_record;

namespace {

const std::initializer_list<std::string_view> kRoles = {"admin", "manager", "dispatcher", "user"};
const std::initializer_list<std::string_view> kStatuses = {"active", "suspended", "invited",
                                                           "inactive"};

/// The tenant a request acts in: the caller's own, or, for a superadmin, ?tenantId=.
std::optional<tenant_scope> scope_for(const principal& who, const http::request& req,
                                      http::responder& respond) {
  auto asked = req.query_param("tenantId");
  if (!asked || asked->empty() || *asked == who.tenant_id) return tenant_scope(who.tenant_id);
  if (!who.superadmin) {
    // Another tenant's resources do not exist for this caller.
    respond(http::problem(errc::not_found, "no such tenant", req.path));
    return std::nullopt;
  }
  return tenant_scope(*asked);
}

// Voxera sends "customer_admin" for the tenant administrator; Switchboard calls it "admin".
std::optional<std::string> read_role(fields& in, bool required) {
  auto role = in.text("role", {required, 64});
  if (role && *role == "customer_admin") role = "admin";
  if (role && std::find(kRoles.begin(), kRoles.end(), *role) == kRoles.end()) {
    in.fail("role", "must be one of admin (or customer_admin), manager, dispatcher, user");
    return std::nullopt;
  }
  return role;
}

/// Admins and managers list every user of their tenant; anyone else reads the tenant's
/// contact list (the web client's contacts): active users only, in the contact shape.
void list(context& ctx, http::request req, path_params, principal who, http::responder respond) {
  auto scope = scope_for(who, req, respond);
  if (!scope) return;
  bool staff = is_staff(who);
  auto q = fields::from_query(req);
  persistence::user_filter f;
  f.page = q.integer("page", 1, 1'000'000, false).value_or(1);
  f.limit = q.integer("limit", 1, 100, false).value_or(20);
  f.status = q.choice("status", kStatuses, false).value_or("");
  f.role = read_role(q, false).value_or("");
  f.search = q.text("search", {false, 100}).value_or("");
  f.sort = q.choice("sort", {"name", "email", "role", "status", "lastLogin", "created"}, false)
               .value_or("created");
  f.descending =
      q.choice("order", {"asc", "desc"}, false).value_or(f.sort == "created" ? "desc" : "asc") ==
      "desc";
  if (!staff && !f.status.empty() && f.status != "active") {
    q.fail("status", "your role lists active users only");
  }
  if (!staff) f.status = "active";
  if (!q.ok()) return respond(q.problem(req.path));
  answer_from_store(
      ctx, req, scope->tenant_id(), "list_users",
      [scope = *scope, f](soci::session& sql) { return persistence::list_users(sql, scope, f); },
      respond,
      [f, staff](persistence::user_page& page) {
        json::array items;
        for (const auto& u : page.items) items.push_back(staff ? user_json(u) : contact_json(u));
        return list_response(std::move(items), f.page, f.limit, page.total);
      });
}

void get(context& ctx, http::request req, path_params params, principal who,
         http::responder respond) {
  std::string id(params.get("id"));
  // Anyone may read their own record; reading others is for admins and managers.
  if (id != who.id && !is_staff(who)) {
    return respond(http::problem(errc::forbidden, "your role may not read other users", req.path));
  }
  auto scope = scope_for(who, req, respond);
  if (!scope) return;
  answer_from_store(
      ctx, req, id, "get_user",
      [scope = *scope, id](soci::session& sql) {
        auto u = persistence::find_user(sql, scope, id);
        if (!u) throw persistence::store_error(errc::not_found, "no such user");
        return *u;
      },
      respond, [](user_record& u) { return api_response(user_json(u)); });
}

void create(context& ctx, http::request req, path_params, principal who, http::responder respond) {
  auto scope = scope_for(who, req, respond);
  if (!scope) return;
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"email", "firstName", "lastName", "displayName", "phone", "extension", "role",
                     "status", "password", "preferences", "department", "employeeId",
                     "superadmin"});
  user_record u;
  auto email = in.email("email", true);
  auto first = in.text("firstName", {true, 100});
  auto last = in.text("lastName", {true, 100});
  auto display = in.text("displayName", {false, 200});
  auto phone = in.nullable_text("phone", {false, 32});
  auto extension = in.extension("extension");
  auto role = read_role(in, true);
  auto status = in.choice("status", kStatuses, false);
  auto password = in.new_password("password", false);
  auto prefs = in.object_text("preferences", 16 * 1024, false);
  auto department = in.nullable_text("department", {false, 100});
  auto employee = in.nullable_text("employeeId", {false, 64});
  auto superadmin = in.boolean("superadmin", false);
  if (superadmin.value_or(false) && !who.superadmin) {
    in.fail("superadmin", "only operators may create operators");
  }
  if (role && !may_manage(who, privilege_of(*role, false))) {
    in.fail("role", "may not be above your own");
  }
  if (!in.ok()) return respond(in.problem(req.path));
  u.email = *email;
  u.first_name = *first;
  u.last_name = *last;
  u.display_name = display.value_or(*first + " " + *last);
  if (phone) u.phone = *phone;
  if (extension) u.extension = *extension;
  u.role = *role;
  // Without a password the user cannot log in yet: "invited" until an invite or reset.
  u.status = status.value_or(password ? "active" : "invited");
  u.preferences = prefs.value_or("{}");
  if (department) u.department = *department;
  if (employee) u.employee_id = *employee;
  u.superadmin = superadmin.value_or(false);
  u.created_by = who.id;

  auto commit = [&ctx, req, who, respond, scope = *scope](caf::event_based_actor* self,
                                                          user_record u) {
    store_step(
        self, ctx, req.path, scope.tenant_id(), "create_user",
        [by = requester_of(who, req), scope, u](soci::session& sql) {
          return user_cases::create_user(sql, by, scope, u);
        },
        respond,
        [self, respond](user_record& created) {
          respond(api_response(user_json(created), 201));
          self->quit();
        });
  };
  ctx.sys.spawn([&ctx, respond, req, u, password, commit](caf::event_based_actor* self) mutable {
    if (!password) return commit(self, std::move(u));
    hash_step(self, ctx, req.path, *password, respond,
              [self, u, commit](const std::string& hash) mutable {
                u.password_hash = hash;
                commit(self, std::move(u));
              });
  });
}

void update(context& ctx, http::request req, path_params params, principal who,
            http::responder respond) {
  std::string id(params.get("id"));
  bool admin = is_admin(who);
  if (id != who.id && !admin) {
    return respond(
        http::problem(errc::forbidden, "your role may not change other users", req.path));
  }
  auto scope = scope_for(who, req, respond);
  if (!scope) return;
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  // Users may edit their own profile; role, email and extension are for administrators.
  if (admin) {
    in.reject_unknown({"email", "firstName", "lastName", "displayName", "phone", "extension",
                       "role", "preferences", "department", "employeeId"});
  } else {
    in.reject_unknown({"firstName", "lastName", "displayName", "phone", "preferences"});
  }
  persistence::user_patch p;
  p.email = in.email("email", false);
  p.first_name = in.text("firstName", {false, 100, 1});
  p.last_name = in.text("lastName", {false, 100, 1});
  p.display_name = in.text("displayName", {false, 200, 1});
  p.phone = in.nullable_text("phone", {false, 32});
  p.extension = in.extension("extension");
  p.role = read_role(in, false);
  p.preferences = in.object_text("preferences", 16 * 1024, false);
  p.department = in.nullable_text("department", {false, 100});
  p.employee_id = in.nullable_text("employeeId", {false, 64});
  if (p.role && !may_manage(who, privilege_of(*p.role, false))) {
    in.fail("role", "may not be above your own");
  }
  if (!in.ok()) return respond(in.problem(req.path));
  json::object changed;
  if (p.email) changed["email"] = "change requested";
  if (p.role) changed["role"] = *p.role;
  if (p.extension) changed["extension"] = *p.extension ? json::value(**p.extension) : nullptr;
  for (const char* name : {"firstName", "lastName", "displayName", "phone", "preferences",
                           "department", "employeeId"}) {
    if (in.has(name)) changed[name] = "changed";
  }
  bool role_changed = p.role.has_value();
  answer_from_store(
      ctx, req, id, "update_user",
      [by = requester_of(who, req), scope = *scope, id, p, changed,
       auth = ctx.cfg.auth](soci::session& sql) {
        return user_cases::update_user(sql, by, scope, id, p, changed, auth);
      },
      respond,
      [&ctx, role_changed](user_cases::user_update& r) {
        if (role_changed) revoke_user_sessions(ctx, r.user.id, "role changed");
        auto out = user_json(r.user);
        if (r.pending_email) {
          nudge_mailer(ctx);
          out["pendingEmail"] = *r.pending_email;
        }
        return api_response(std::move(out));
      });
}

void set_status(context& ctx, http::request req, path_params params, principal who,
                http::responder respond) {
  std::string id(params.get("id"));
  auto scope = scope_for(who, req, respond);
  if (!scope) return;
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"status"});
  auto status = in.choice("status", kStatuses, true);
  if (status && id == who.id && *status != "active") {
    in.fail("status", "you cannot deactivate yourself");
  }
  if (!in.ok()) return respond(in.problem(req.path));
  answer_from_store(
      ctx, req, id, "set_user_status",
      [by = requester_of(who, req), scope = *scope, id, status = *status](soci::session& sql) {
        return user_cases::set_user_status(sql, by, scope, id, status);
      },
      respond,
      [&ctx](user_record& u) {
        ctx.auth.cache().forget_user(u.id);  // reactivation too
        if (u.status != "active") revoke_user_sessions(ctx, u.id, "account " + u.status);
        return api_response(user_json(u));
      });
}

void remove(context& ctx, http::request req, path_params params, principal who,
            http::responder respond) {
  std::string id(params.get("id"));
  if (id == who.id) {
    return respond(http::problem(errc::bad_request, "you cannot delete yourself", req.path));
  }
  auto scope = scope_for(who, req, respond);
  if (!scope) return;
  answer_from_store(
      ctx, req, id, "delete_user",
      [by = requester_of(who, req), scope = *scope, id](soci::session& sql) {
        user_cases::delete_user(sql, by, scope, id);
        return true;
      },
      respond,
      [&ctx, id](bool) {
        revoke_user_sessions(ctx, id, "account deleted");
        return api_response(json::object{{"message", "User deleted"}});
      });
}

}  // namespace

void add_user_routes(router& r, context& ctx) {
  route_table routes{r, ctx};
  routes.add("GET", "/api/v1/users", policy::any_user, list);
  routes.add("POST", "/api/v1/users", policy::admins, create);
  routes.add("GET", "/api/v1/users/:id", policy::any_user, get);
  routes.add("PUT", "/api/v1/users/:id", policy::any_user, update);
  routes.add("PATCH", "/api/v1/users/:id/status", policy::admins, set_status);
  routes.add("DELETE", "/api/v1/users/:id", policy::admins, remove);
}

}  // namespace sb::api
