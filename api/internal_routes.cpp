#include "api/internal_routes.hpp"

#include <boost/json.hpp>

#include "actors/cti/webhook_stream.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "api/usecases/platform.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/apps.hpp"
#include "persistence/identity/tenants.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::app_record;
using persistence::require_app;

namespace {

const principal kOperator{principal::kind::internal, "internal", "", "", true};

/// Operators act through the internal secret: their audit rows name no user.
requester operator_of(const http::request& req) {
  return requester_of(kOperator, req);
}

http::response key_issued(const persistence::issued_key& k) {
  json::object body{{"success", true},
                    {"api_key", k.key},
                    {"app_id", k.app.id},
                    {"app_name", k.app.name},
                    {"key_hint", *k.app.api_key_hint},
                    {"rotated_at", iso_time_or_null(k.app.api_key_rotated_at_us)},
                    {"note", "Store this key in your .env file. It will never be shown again."}};
  return http::response::json(200, json::serialize(body));
}

void create_app(context& ctx, http::request req, http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"name", "tenant_id"});
  auto name = in.text("name", {true, 200});
  auto tenant = in.text("tenant_id", {false, 64});
  if (!in.ok()) return respond(in.problem(req.path));
  answer_from_store(
      ctx, req, "apps", "create_app",
      [by = operator_of(req), name = *name, tenant](soci::session& sql) {
        return platform_cases::create_app(sql, by, tenant, name);
      },
      respond,
      [](app_record& app) {
        auto body = app_json(app);
        body["success"] = true;
        return http::response::json(201, json::serialize(body));
      });
}

void update_app(context& ctx, http::request req, path_params params, http::responder respond) {
  std::string id(params.get("app_id"));
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"name", "is_active", "webhook_secret"});
  auto name = in.text("name", {false, 200, 1});
  auto active = in.boolean("is_active", false);
  auto secret = in.nullable_text("webhook_secret", {false, 512, 0, false});
  if (!in.ok()) return respond(in.problem(req.path));
  answer_from_store(
      ctx, req, id, "update_app",
      [by = operator_of(req), id, name, active, secret](soci::session& sql) {
        return platform_cases::update_app(sql, by, id, name, active, secret);
      },
      respond,
      [&ctx](app_record& app) {
        // Reactivation too: the cache may know the key as belonging to an inactive app.
        ctx.auth.cache().forget_app(app.id);
        if (!app.is_active) revoke_app_sessions(ctx, app.id, "app deactivated");
        // Its webhook stream checks signatures with the secret it read.
        tell_entity(ctx, "webhooks:" + app.id, caf::make_message(reload_atom::value), false);
        auto body = app_json(app);
        body["success"] = true;
        return http::response::json(200, json::serialize(body));
      });
}

// POST …/api-key (generate or rotate) and POST …/api-key/rotate (rotate only).
void issue_key(context& ctx, http::request req, path_params params, http::responder respond,
               bool rotate_only) {
  std::string id(params.get("app_id"));
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"grace_period_seconds"});
  auto grace = in.integer("grace_period_seconds", 0, 30 * 86400, false).value_or(0);
  if (!in.ok()) return respond(in.problem(req.path));
  answer_from_store(
      ctx, req, id, "issue_api_key",
      [by = operator_of(req), id, grace, rotate_only](soci::session& sql) {
        return platform_cases::issue_api_key(sql, by, id, grace, rotate_only);
      },
      respond,
      [&ctx, grace](persistence::issued_key& issued) {
        ctx.auth.cache().forget_app(issued.app.id);
        if (issued.previous_hash) {
          revoke_key_sessions(ctx, *issued.previous_hash, std::chrono::seconds(grace),
                              "API key rotated");
        }
        return key_issued(issued);
      });
}

void revoke_key(context& ctx, http::request req, path_params params, http::responder respond) {
  std::string id(params.get("app_id"));
  answer_from_store(
      ctx, req, id, "revoke_api_key",
      [by = operator_of(req), id](soci::session& sql) {
        return platform_cases::revoke_api_key(sql, by, id);
      },
      respond,
      [&ctx](app_record& app) {
        revoke_app_sessions(ctx, app.id, "API key revoked");
        return http::response::json(
            200, json::serialize(json::object{{"success", true},
                                              {"app_id", app.id},
                                              {"message", "API key revoked"},
                                              {"revoked_at", iso_time(app.updated_at_us)}}));
      });
}

void key_status(context& ctx, http::request req, path_params params, http::responder respond) {
  std::string id(params.get("app_id"));
  answer_from_store(
      ctx, req, id, "key_status", [id](soci::session& sql) { return require_app(sql, id); },
      respond,
      [](app_record& app) {
        return http::response::json(
            200, json::serialize(json::object{
                     {"success", true},
                     {"app_id", app.id},
                     {"key_hint", app.api_key_hint ? json::value(*app.api_key_hint) : nullptr},
                     {"rotated_at", iso_time_or_null(app.api_key_rotated_at_us)},
                     {"is_active", app.is_active && app.api_key_hint.has_value()}}));
      });
}

void key_audit(context& ctx, http::request req, path_params params, http::responder respond) {
  std::string id(params.get("app_id"));
  auto q = fields::from_query(req);
  auto limit = q.integer("limit", 1, 200, false).value_or(50);
  auto offset = q.integer("offset", 0, 1'000'000'000, false).value_or(0);
  if (!q.ok()) return respond(q.problem(req.path));
  answer_from_store(
      ctx, req, id, "key_audit",
      [id, limit, offset](soci::session& sql) {
        return persistence::api_key_audit(sql, id, limit, offset);
      },
      respond,
      [limit, offset](persistence::audit_page& page) {
        json::array data;
        for (const auto& e : page.items) {
          json::object row{
              {"id", e.id},
              {"action", e.action},
              {"old_key_hint", e.old_key_hint ? json::value(*e.old_key_hint) : nullptr},
              {"new_key_hint", e.new_key_hint ? json::value(*e.new_key_hint) : nullptr},
              {"performed_at", iso_time(e.performed_at_us)}};
          if (e.grace_seconds) row["grace_period_seconds"] = *e.grace_seconds;
          data.push_back(std::move(row));
        }
        return seed_list_response(std::move(data), seed_pagination(limit, offset, page.total));
      });
}

}  // namespace

void add_internal_routes(router& r, context& ctx) {
  auto route = [&](const char* method, const char* path, operator_handler fn) {
    add_operator_route(r, ctx, method, path, std::move(fn));
  };
  route("POST", "/internal/apps", [&ctx](auto req, auto, auto respond) {
    create_app(ctx, std::move(req), std::move(respond));
  });
  route("GET", "/internal/apps", [&ctx](auto req, auto, auto respond) {
    answer_from_store(
        ctx, req, "apps", "list_apps",
        [](soci::session& sql) { return persistence::list_apps(sql); }, respond,
        [](std::vector<app_record>& apps) {
          json::array data;
          for (const auto& a : apps) data.push_back(app_json(a));
          return http::response::json(
              200, json::serialize(json::object{{"success", true}, {"data", std::move(data)}}));
        });
  });
  route("GET", "/internal/apps/:app_id", [&ctx](auto req, auto params, auto respond) {
    std::string id(params.get("app_id"));
    answer_from_store(
        ctx, req, id, "get_app", [id](soci::session& sql) { return require_app(sql, id); }, respond,
        [](app_record& app) {
          return http::response::json(
              200, json::serialize(json::object{{"success", true}, {"data", app_json(app)}}));
        });
  });
  route("PATCH", "/internal/apps/:app_id", [&ctx](auto req, auto params, auto respond) {
    update_app(ctx, std::move(req), std::move(params), std::move(respond));
  });
  route("POST", "/internal/apps/:app_id/api-key", [&ctx](auto req, auto params, auto respond) {
    issue_key(ctx, std::move(req), std::move(params), std::move(respond), false);
  });
  route("POST", "/internal/apps/:app_id/api-key/rotate",
        [&ctx](auto req, auto params, auto respond) {
          issue_key(ctx, std::move(req), std::move(params), std::move(respond), true);
        });
  route("POST", "/internal/apps/:app_id/api-key/revoke",
        [&ctx](auto req, auto params, auto respond) {
          revoke_key(ctx, std::move(req), std::move(params), std::move(respond));
        });
  route("GET", "/internal/apps/:app_id/api-key/status",
        [&ctx](auto req, auto params, auto respond) {
          key_status(ctx, std::move(req), std::move(params), std::move(respond));
        });
  route("GET", "/internal/apps/:app_id/api-key/audit", [&ctx](auto req, auto params, auto respond) {
    key_audit(ctx, std::move(req), std::move(params), std::move(respond));
  });
}

}  // namespace sb::api
