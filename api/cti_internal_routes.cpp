#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/cti/webhook_stream.hpp"
#include "actors/runtime/atoms.hpp"
#include "api/cti_output.hpp"
#include "api/cti_routes.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "config/ground/json_input.hpp"
#include "persistence/connection.hpp"
#include "persistence/cti/user_mappings.hpp"
#include "persistence/cti/voicemails.hpp"
#include "persistence/cti/webhook_events.hpp"
#include "persistence/identity/apps.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::require_app;

namespace {

using route_fn = operator_handler;

/// limit (1–200, default 50) and offset of a seed list; nullopt after answering 400.
std::optional<std::pair<int64_t, int64_t>> page_of(fields& q) {
  auto limit = q.integer("limit", 1, 200, false).value_or(50);
  auto offset = q.integer("offset", 0, 1'000'000'000, false).value_or(0);
  if (!q.ok()) return std::nullopt;
  return std::make_pair(limit, offset);
}

/// A Dialpad id in a path: digits only, int64.
std::optional<int64_t> dialpad_id(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

/// Answers a seed list of one app's resources: `list(sql)` returns a page {items, total},
/// `to_json` renders one item; 404 when the app does not exist.
template <class List, class ToJson>
void answer_app_list(context& ctx, const http::request& req, const std::string& app,
                     std::string_view job_name, std::pair<int64_t, int64_t> page, List list,
                     ToJson to_json, http::responder respond) {
  auto [limit, offset] = page;
  answer_from_store(
      ctx, req, app, job_name,
      [app, list](soci::session& sql) {
        require_app(sql, app);
        return list(sql);
      },
      respond,
      [limit, offset, to_json](auto& r) {
        json::array data;
        for (const auto& item : r.items) data.push_back(to_json(item));
        return seed_list_response(std::move(data), seed_pagination(limit, offset, r.total));
      });
}

/// A route on one Dialpad-numbered item of an app (:app_id, :id): answers 404 `missing`
/// itself when :id cannot be one of Dialpad's, else calls `handle(req, app, id, text,
/// respond)` (`text`: the id as the path wrote it).
template <class Handle>
route_fn on_dialpad_item(const char* missing, Handle handle) {
  return [missing, handle](http::request req, path_params p, http::responder respond) {
    auto id = dialpad_id(p.get("id"));
    if (!id) return respond(http::problem(errc::not_found, missing, req.path));
    handle(req, std::string(p.get("app_id")), *id, std::string(p.get("id")), std::move(respond));
  };
}

/// Answers one resource of an app: `find(sql)` returns an optional; 404 `missing` when empty.
template <class Find, class ToJson>
void answer_one(context& ctx, const http::request& req, const std::string& app,
                std::string_view job_name, const char* missing, Find find, ToJson to_json,
                http::responder respond) {
  answer_from_store(
      ctx, req, app, job_name,
      [find, missing](soci::session& sql) {
        auto item = find(sql);
        if (!item) throw persistence::store_error(errc::not_found, missing);
        return std::move(*item);
      },
      respond, [to_json](auto& item) { return api_response(to_json(item)); });
}

/// Answers a delete: `remove(sql)` says whether `id` went; 404 `missing` when nothing did.
template <class Remove>
void answer_deleted(context& ctx, const http::request& req, const std::string& app,
                    std::string_view job_name, const char* missing, std::string id, Remove remove,
                    http::responder respond) {
  answer_from_store(ctx, req, app, job_name, remove, respond,
                    [path = req.path, missing, id = std::move(id)](bool& done) {
                      if (!done) return http::problem(errc::not_found, missing, path);
                      auto body = json::object{{"success", true}, {"deleted", true}, {"id", id}};
                      return http::response::json(200, json::serialize(body));
                    });
}

void voicemail_routes(context& ctx,
                      const std::function<void(const char*, const char*, route_fn)>& route) {
  route("GET", "/internal/apps/:app_id/voicemails", [&ctx](auto req, auto p, auto respond) {
    std::string app(p.get("app_id"));
    auto q = fields::from_query(req);
    q.reject_unknown({"limit", "offset", "dialpad_user_id"});
    auto user = q.integer("dialpad_user_id", 0, INT64_MAX, false);
    auto page = page_of(q);
    if (!page) return respond(q.problem(req.path));
    answer_app_list(
        ctx, req, app, "list_voicemails", *page,
        [app, user, page = *page](soci::session& sql) {
          return persistence::list_voicemails(sql, app, user, page.first, page.second);
        },
        voicemail_json, respond);
  });
  route("GET", "/internal/apps/:app_id/voicemails/:id", [&ctx](auto req, auto p, auto respond) {
    std::string app(p.get("app_id")), id(p.get("id"));
    answer_one(
        ctx, req, app, "get_voicemail", "no such voicemail",
        [app, id](soci::session& sql) { return persistence::find_voicemail(sql, app, id); },
        voicemail_json, respond);
  });
  route("DELETE", "/internal/apps/:app_id/voicemails/:id", [&ctx](auto req, auto p, auto respond) {
    std::string app(p.get("app_id")), id(p.get("id"));
    answer_deleted(
        ctx, req, app, "delete_voicemail", "no such voicemail", id,
        [app, id](soci::session& sql) { return persistence::delete_voicemail(sql, app, id); },
        respond);
  });
}

/// Reads {"dialpad_user_id", "crm_user_id"} from a JSON object; records errors under `at`.
std::optional<std::pair<int64_t, std::string>> mapping_of(const json::value& v,
                                                          const std::string& at,
                                                          std::vector<field_error>& errors) {
  const auto* o = v.if_object();
  const json::value* d = o ? o->if_contains("dialpad_user_id") : nullptr;
  const json::value* c = o ? o->if_contains("crm_user_id") : nullptr;
  std::optional<int64_t> id;
  if (d && d->is_int64() && d->as_int64() >= 0) id = d->as_int64();
  if (d && d->is_uint64() && d->as_uint64() <= uint64_t(INT64_MAX))
    id = static_cast<int64_t>(d->as_uint64());
  if (d && d->is_string()) id = dialpad_id(d->as_string());  // ids above 2^53 arrive as text
  if (!id) errors.push_back({at + "dialpad_user_id", "must be a non-negative integer"});
  bool crm_ok = c && c->is_string() && !c->as_string().empty() && c->as_string().size() <= 255;
  if (!crm_ok) errors.push_back({at + "crm_user_id", "must be a string of 1 to 255 characters"});
  if (!id || !crm_ok) return std::nullopt;
  return std::make_pair(*id, std::string(c->as_string()));
}

using mapping_list = std::vector<std::pair<int64_t, std::string>>;

void map_users(context& ctx, const http::request& req, const std::string& app,
               const mapping_list& list, bool batch, http::responder respond) {
  answer_from_store(
      ctx, req, app, "map_users",
      [app, list](soci::session& sql) {
        auto a = require_app(sql, app);
        std::vector<persistence::user_mapping> out;
        auto now = now_us();
        for (const auto& [dialpad, crm] : list) {
          out.push_back(persistence::upsert_user_mapping(sql, app, a.tenant_id, dialpad, crm, now));
        }
        return out;
      },
      respond,
      [batch](std::vector<persistence::user_mapping>& out) {
        if (!batch) {
          auto body = json::object{{"success", true}, {"data", user_mapping_json(out.front())}};
          return http::response::json(200, json::serialize(body));
        }
        json::array data;
        for (const auto& m : out) data.push_back(user_mapping_json(m));
        return http::response::json(
            200, json::serialize(json::object{
                     {"success", true}, {"count", out.size()}, {"data", std::move(data)}}));
      });
}

void mapping_routes(context& ctx,
                    const std::function<void(const char*, const char*, route_fn)>& route) {
  route("POST", "/internal/apps/:app_id/users/map", [&ctx](auto req, auto p, auto respond) {
    json::error_code ec;
    auto v = parse_json(req.body, ec);
    std::vector<field_error> errors;
    auto m = ec ? std::nullopt : mapping_of(v, "", errors);
    if (ec) errors.push_back({"body", "must be a JSON object"});
    if (!m) return respond(invalid_fields(errors, req.path));
    map_users(ctx, req, std::string(p.get("app_id")), {*m}, false, respond);
  });
  route("POST", "/internal/apps/:app_id/users/batch-map", [&ctx](auto req, auto p, auto respond) {
    json::error_code ec;
    auto v = parse_json(req.body, ec);
    std::vector<field_error> errors;
    const json::value* items =
        !ec && v.is_object() ? v.as_object().if_contains("mappings") : nullptr;
    mapping_list list;
    if (!items || !items->is_array() || items->as_array().empty() ||
        items->as_array().size() > 1000) {
      errors.push_back({"mappings", "must be an array of 1 to 1000 mappings"});
    } else {
      size_t i = 0;
      for (const auto& item : items->as_array()) {
        auto m = mapping_of(item, "mappings[" + std::to_string(i++) + "].", errors);
        if (m) list.push_back(*m);
      }
    }
    if (!errors.empty()) return respond(invalid_fields(errors, req.path));
    map_users(ctx, req, std::string(p.get("app_id")), list, true, respond);
  });
  route("GET", "/internal/apps/:app_id/users/mappings", [&ctx](auto req, auto p, auto respond) {
    std::string app(p.get("app_id"));
    auto q = fields::from_query(req);
    q.reject_unknown({"limit", "offset"});
    auto page = page_of(q);
    if (!page) return respond(q.problem(req.path));
    answer_app_list(
        ctx, req, app, "list_user_mappings", *page,
        [app, page = *page](soci::session& sql) {
          return persistence::list_user_mappings(sql, app, page.first, page.second);
        },
        user_mapping_json, respond);
  });
  route(
      "GET", "/internal/apps/:app_id/users/mappings/dialpad/:id",
      on_dialpad_item("no such mapping", [&ctx](auto& req, auto app, auto id, auto, auto respond) {
        auto find = [app, id](soci::session& sql) {
          return persistence::mapping_by_dialpad_id(sql, app, id);
        };
        answer_one(ctx, req, app, "mapping_by_dialpad", "no such mapping", find, user_mapping_json,
                   respond);
      }));
  route("GET", "/internal/apps/:app_id/users/mappings/crm/:id",
        [&ctx](auto req, auto p, auto respond) {
          std::string app(p.get("app_id")), crm(p.get("id"));
          answer_one(
              ctx, req, app, "mappings_by_crm", "no such mapping",
              [app, crm](soci::session& sql) {
                auto all = persistence::mappings_by_crm_id(sql, app, crm);
                using found = std::optional<std::vector<persistence::user_mapping>>;
                return all.empty() ? found() : found(std::move(all));
              },
              [](const std::vector<persistence::user_mapping>& all) {
                json::array data;
                for (const auto& m : all) data.push_back(user_mapping_json(m));
                return data;
              },
              respond);
        });
  route("DELETE", "/internal/apps/:app_id/users/mappings/dialpad/:id",
        on_dialpad_item("no such mapping", [&ctx](auto& req, auto app, auto id, auto text,
                                                  auto respond) {
          auto remove = [app, id](soci::session& sql) {
            return persistence::delete_user_mapping_by_dialpad_id(sql, app, id);
          };
          answer_deleted(ctx, req, app, "unmap_dialpad", "no such mapping", text, remove, respond);
        }));
  route("DELETE", "/internal/apps/:app_id/users/mappings/:mapping_id",
        [&ctx](auto req, auto p, auto respond) {
          std::string app(p.get("app_id")), id(p.get("mapping_id"));
          answer_deleted(
              ctx, req, app, "unmap", "no such mapping", id,
              [app, id](soci::session& sql) {
                return persistence::delete_user_mapping(sql, app, id);
              },
              respond);
        });
}

void webhook_event_routes(context& ctx,
                          const std::function<void(const char*, const char*, route_fn)>& route) {
  route("GET", "/internal/apps/:app_id/webhook-events", [&ctx](auto req, auto p, auto respond) {
    std::string app(p.get("app_id"));
    auto q = fields::from_query(req);
    q.reject_unknown({"status", "limit", "offset"});
    auto status = q.choice("status", {"pending", "processed", "failed", "dead"}, false);
    auto page = page_of(q);
    if (!page) return respond(q.problem(req.path));
    answer_app_list(
        ctx, req, app, "list_webhook_events", *page,
        [app, status, page = *page](soci::session& sql) {
          return persistence::list_webhook_events(sql, app, status.value_or(""), page.first,
                                                  page.second);
        },
        webhook_event_json, respond);
  });
  route("POST", "/internal/apps/:app_id/webhook-events/:id/replay",
        on_dialpad_item(
            "no such webhook event", [&ctx](auto& req, auto app, auto id, auto, auto respond) {
              answer_from_store(
                  ctx, req, app, "replay_webhook_event",
                  [app, id](soci::session& sql) {
                    return persistence::replay_webhook_event(sql, app, id, now_us());
                  },
                  respond,
                  [&ctx, app](persistence::webhook_event& e) {
                    tell_entity(ctx, "webhooks:" + app, caf::make_message(tick_atom::value), true);
                    return api_response(webhook_event_json(e));
                  });
            }));
}

}  // namespace

void add_cti_internal_routes(router& r, context& ctx) {
  auto route = [&](const char* method, const char* path, route_fn fn) {
    add_operator_route(r, ctx, method, path, std::move(fn));
  };
  voicemail_routes(ctx, route);
  mapping_routes(ctx, route);
  webhook_event_routes(ctx, route);
}

}  // namespace sb::api
