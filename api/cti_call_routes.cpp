#include <boost/json.hpp>

#include "api/cti_output.hpp"
#include "api/cti_routes.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

struct call_list_query {
  persistence::call_filter filter;
  int64_t limit = 50;
  int64_t offset = 0;
  std::optional<std::string> after;  ///< decoded cursor: the id of the last call seen
};

/// Reads the query; answers 400 and returns nullopt when it is invalid.
std::optional<call_list_query> read_query(const http::request& req, http::responder& respond) {
  auto q = fields::from_query(req);
  q.reject_unknown({"status", "direction", "from", "to", "dialpad_user_id", "since", "until",
                    "limit", "offset", "cursor"});
  call_list_query out;
  auto& f = out.filter;
  f.status = q.choice("status",
                      {"ringing", "active", "on_hold", "completed", "missed", "voicemail",
                       "blocked", "unknown", "ended"},
                      false);
  f.direction = q.choice("direction", {"inbound", "outbound"}, false);
  f.from_number = q.text("from", {false, 64});
  f.to_number = q.text("to", {false, 64});
  f.dialpad_user_id = q.integer("dialpad_user_id", 0, INT64_MAX, false);
  f.since_ms = q.integer("since", 0, INT64_MAX, false);
  f.until_ms = q.integer("until", 0, INT64_MAX, false);
  out.limit = q.integer("limit", 1, 200, false).value_or(50);
  out.offset = q.integer("offset", 0, 1'000'000'000, false).value_or(0);
  if (auto cursor = q.text("cursor", {false, 200})) {
    auto id = crypto::base64url_decode(*cursor);
    if (!id || !crypto::is_uuid(*id)) {
      q.fail("cursor", "is not a cursor this API returned");
    } else {
      out.after = *id;
    }
  }
  if (!q.ok()) {
    respond(q.problem(req.path));
    return std::nullopt;
  }
  return out;
}

}  // namespace

void list_cti_calls(context& ctx, const http::request& req, const principal& app, bool active_only,
                    http::responder respond) {
  auto query = read_query(req, respond);
  if (!query) return;
  query->filter.active_only = active_only;
  // "ended" is the seed's word for any finished call.
  if (query->filter.status == "ended") {
    query->filter.status.reset();
    query->filter.ended_only = true;
  }
  answer_from_store(
      ctx, req, app.id, "list_cti_calls",
      [app = app.id, q = *query](soci::session& sql) {
        return persistence::list_cti_calls(sql, app, q.filter, q.limit, q.offset, q.after);
      },
      respond,
      [q = *query](persistence::call_page& page) {
        json::array data;
        for (const auto& c : page.items) data.push_back(cti_call_json(c));
        auto pagination = seed_pagination(q.limit, q.after ? 0 : q.offset, page.total);
        bool more = page.has_more;
        pagination["has_more"] = more;
        pagination["next_cursor"] =
            more ? json::value(crypto::base64url_encode(page.items.back().id)) : nullptr;
        return seed_list_response(std::move(data), std::move(pagination));
      });
}

void add_cti_call_routes(router& r, context& ctx) {
  r.add("GET", "/api/calls",
        guarded(ctx, policy::apps,
                [&ctx](http::request req, path_params, principal who, auto respond) {
                  list_cti_calls(ctx, req, who, false, std::move(respond));
                }));
  r.add(
      "GET", "/api/calls/:id",
      guarded(
          ctx, policy::apps, [&ctx](http::request req, path_params p, principal who, auto respond) {
            std::string id(p.get("id"));
            answer_from_store(
                ctx, req, who.id, "get_cti_call",
                [app = who.id, id](soci::session& sql) {
                  auto call = persistence::find_cti_call(sql, app, id);
                  if (!call) throw persistence::store_error(errc::not_found, "no such call");
                  return std::make_pair(*call, persistence::cti_call_history(sql, call->id));
                },
                respond,
                [](std::pair<persistence::cti_call, std::vector<persistence::cti_call_state>>& r) {
                  auto body = cti_call_json(r.first);
                  json::array states;
                  for (const auto& s : r.second) {
                    states.push_back(json::object{
                        {"state", s.state},
                        {"event_timestamp",
                         s.event_timestamp_ms ? json::value(*s.event_timestamp_ms) : nullptr},
                        {"applied", s.applied},
                        {"webhook_event_id", s.webhook_event_id},
                        {"recorded_at", iso_time(s.recorded_at_us)}});
                  }
                  body["states"] = std::move(states);
                  return api_response(std::move(body));
                });
          }));
}

}  // namespace sb::api
