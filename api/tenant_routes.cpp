#include <boost/json.hpp>

#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "api/usecases/platform.hpp"
#include "api/user_routes.hpp"
#include "persistence/audit.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/tenants.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::tenant_record;

void add_tenant_routes(router& r, context& ctx) {
  r.add("GET", "/api/v1/tenants",
        guarded(ctx, policy::operators,
                [&ctx](http::request req, path_params, principal, http::responder respond) {
                  auto q = fields::from_query(req);
                  auto page = q.integer("page", 1, 1'000'000, false).value_or(1);
                  auto limit = q.integer("limit", 1, 100, false).value_or(20);
                  if (!q.ok()) return respond(q.problem(req.path));
                  answer_from_store(
                      ctx, req, "tenants", "list_tenants",
                      [page, limit](soci::session& sql) {
                        return persistence::list_tenants(sql, page, limit);
                      },
                      respond,
                      [page, limit](persistence::tenant_page& p) {
                        json::array items;
                        for (const auto& t : p.items) items.push_back(tenant_json(t));
                        return list_response(std::move(items), page, limit, p.total);
                      });
                }));
  r.add("POST", "/api/v1/tenants",
        guarded(ctx, policy::operators,
                [&ctx](http::request req, path_params, principal who, http::responder respond) {
                  auto body = read_body(req, respond);
                  if (!body) return;
                  auto& in = *body;
                  in.reject_unknown({"name"});
                  auto name = in.text("name", {true, 200});
                  if (!in.ok()) return respond(in.problem(req.path));
                  answer_from_store(
                      ctx, req, "tenants", "create_tenant",
                      [by = requester_of(who, req), name = *name](soci::session& sql) {
                        return platform_cases::create_tenant(sql, by, name);
                      },
                      respond, [](tenant_record& t) { return api_response(tenant_json(t), 201); });
                }));
  r.add("GET", "/api/v1/tenants/:id",
        guarded(
            ctx, policy::any_user,
            [&ctx](http::request req, path_params params, principal who, http::responder respond) {
              std::string id(params.get("id"));
              // Members see their own tenant; every other tenant does not exist for them.
              if (!may_act_in(who, id))
                return respond(http::problem(errc::not_found, "no such tenant", req.path));
              answer_from_store(
                  ctx, req, id, "get_tenant",
                  [id](soci::session& sql) {
                    auto t = persistence::find_tenant(sql, id);
                    if (!t) throw persistence::store_error(errc::not_found, "no such tenant");
                    return *t;
                  },
                  respond, [](tenant_record& t) { return api_response(tenant_json(t)); });
            }));
  r.add("PATCH", "/api/v1/tenants/:id",
        guarded(
            ctx, policy::any_user,
            [&ctx](http::request req, path_params params, principal who, http::responder respond) {
              std::string id(params.get("id"));
              if (!may_act_in(who, id)) {
                return respond(http::problem(errc::not_found, "no such tenant", req.path));
              }
              if (!who.superadmin) {
                return respond(http::problem(errc::forbidden, "operators only", req.path));
              }
              auto body = read_body(req, respond);
              if (!body) return;
              auto& in = *body;
              in.reject_unknown({"name", "status"});
              auto name = in.text("name", {false, 200, 1});
              auto status = in.choice("status", {"active", "suspended"}, false);
              if (status && *status != "active" && id == who.tenant_id) {
                in.fail("status", "you cannot suspend your own tenant");
              }
              if (!in.ok()) return respond(in.problem(req.path));
              answer_from_store(
                  ctx, req, id, "update_tenant",
                  [by = requester_of(who, req), id, name, status](soci::session& sql) {
                    return platform_cases::update_tenant(sql, by, id, name, status);
                  },
                  respond,
                  [&ctx](tenant_record& t) {
                    ctx.auth.cache().forget_tenant(t.id);  // reactivation too
                    if (t.status != "active") revoke_tenant_sessions(ctx, t.id, "tenant suspended");
                    return api_response(tenant_json(t));
                  });
            }));
}

void add_audit_routes(router& r, context& ctx) {
  r.add("GET", "/api/v1/audit-logs",
        guarded(
            ctx, policy::admins,
            [&ctx](http::request req, path_params, principal who, http::responder respond) {
              auto q = fields::from_query(req);
              persistence::audit_filter f;
              f.page = q.integer("page", 1, 1'000'000, false).value_or(1);
              f.limit = q.integer("limit", 1, 200, false).value_or(50);
              f.action = q.text("action", {false, 64}).value_or("");
              f.actor_id = q.text("actorId", {false, 64}).value_or("");
              f.target_id = q.text("targetId", {false, 64}).value_or("");
              f.since_us = q.integer("since", 0, 4'102'444'800'000, false).value_or(0) * 1000;
              f.until_us = q.integer("until", 0, 4'102'444'800'000, false).value_or(0) * 1000;
              auto tenant = q.text("tenantId", {false, 64}).value_or(who.tenant_id);
              bool platform =
                  q.choice("scope", {"tenant", "platform"}, false).value_or("tenant") == "platform";
              if (!q.ok()) return respond(q.problem(req.path));
              if (platform) {
                // Tenant changes are platform actions, for operators' eyes.
                if (!who.superadmin)
                  return respond(http::problem(errc::forbidden, "operators only", req.path));
                return answer_from_store(
                    ctx, req, "platform", "list_platform_audit",
                    [f](soci::session& sql) { return persistence::list_platform_audit(sql, f); },
                    respond,
                    [f](persistence::audit_log_page& p) {
                      json::array items;
                      for (const auto& e : p.items) items.push_back(audit_json(e));
                      return list_response(std::move(items), f.page, f.limit, p.total);
                    });
              }
              if (!may_act_in(who, tenant)) {
                return respond(http::problem(errc::not_found, "no such tenant", req.path));
              }
              answer_from_store(
                  ctx, req, tenant, "list_audit",
                  [tenant, f](soci::session& sql) {
                    return persistence::list_audit(sql, persistence::tenant_scope(tenant), f);
                  },
                  respond,
                  [f](persistence::audit_log_page& p) {
                    json::array items;
                    for (const auto& e : p.items) items.push_back(audit_json(e));
                    return list_response(std::move(items), f.page, f.limit, p.total);
                  });
            }));
}

}  // namespace sb::api
