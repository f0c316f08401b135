#include "api/ptt_routes.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <set>

#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "api/usecases/ptt_control.hpp"
#include "config/ground/json_input.hpp"
#include "persistence/ptt/control_plane.hpp"

namespace sb::api {

namespace json = boost::json;
namespace cases = ptt_cases;

namespace {

json::object event_json(const persistence::ptt_event& e) {
  json::error_code ec;
  return json::object{{"id", e.id},
                      {"name", e.name},
                      {"requiresApproval", e.requires_approval},
                      {"limits", json::parse(e.limits.to_json(), ec)},
                      {"createdById", e.created_by ? json::value(*e.created_by) : nullptr},
                      {"createdAt", iso_time(e.created_at_us)},
                      {"updatedAt", iso_time(e.updated_at_us)}};
}

json::object team_json(const persistence::ptt_team& t) {
  return json::object{{"id", t.id},
                      {"eventId", t.event_id},
                      {"name", t.name},
                      {"sortOrder", t.sort_order},
                      {"createdAt", iso_time(t.created_at_us)},
                      {"updatedAt", iso_time(t.updated_at_us)}};
}

json::object channel_json(const persistence::ptt_channel& c) {
  return json::object{{"id", c.id},
                      {"eventId", c.event_id},
                      {"teamId", c.team_id ? json::value(*c.team_id) : nullptr},
                      {"name", c.name},
                      {"type", c.type},
                      {"sortOrder", c.sort_order},
                      {"createdAt", iso_time(c.created_at_us)},
                      {"updatedAt", iso_time(c.updated_at_us)}};
}

http::response ok_json(json::value v, uint16_t status = 200) {
  return http::response::json(status, json::serialize(v));
}

// Reads a JSON array of id strings; nullopt when absent, an error recorded when malformed.
std::optional<std::vector<std::string>> ids(const http::request& req, fields& in,
                                            std::string_view name) {
  if (!in.has(name)) return std::nullopt;
  json::error_code ec;
  auto body = parse_json(req.body, ec);
  auto* v = ec ? nullptr : body.as_object().if_contains(name);
  if (!v || !v->is_array() || v->as_array().size() > 1000) {
    in.fail(std::string(name), "must be an array of ids");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& x : v->as_array()) {
    if (!x.is_string()) {
      in.fail(std::string(name), "must be an array of ids");
      return std::nullopt;
    }
    out.emplace_back(x.as_string());
  }
  return out;
}

/// The `limits` object of a request, checked: known names, integers in range.
std::optional<std::string> limits_of(fields& in) {
  if (!in.has("limits")) return std::nullopt;
  auto text = in.object_text("limits", 4096, false);
  if (!text) return std::nullopt;
  static const std::set<std::string_view> known{"maxUsers", "maxTeams", "maxChannels",
                                                "maxChannelsPerTeam", "maxDispatch"};
  json::error_code ec;
  auto obj = json::parse(*text, ec).as_object();
  for (const auto& [k, v] : obj) {
    if (!known.count(k)) {
      in.fail("limits." + std::string(k), "is not a known limit");
    } else if (!v.is_int64() || v.as_int64() < 0 || v.as_int64() > 1'000'000) {
      in.fail("limits." + std::string(k), "must be an integer between 0 and 1000000");
    }
  }
  return text;
}

json::value channel_change_json(const persistence::channel_change& change) {
  return json::object{{"ok", true}, {"status", change.status}};
}

/// Answers a committed change of a user's channels, after the live talk groups heard of it.
auto changed_channels_of(context& ctx, const principal& who, std::string user_id,
                         bool with_status = true) {
  return
      [&ctx, tenant_id = who.tenant_id, user_id, with_status](persistence::channel_change& change) {
        channels_changed(ctx, tenant_id, user_id, change);
        return ok_json(with_status ? channel_change_json(change) : json::object{{"ok", true}});
      };
}

// --- routes: parse, call the use case through the store, render --------------------------

void post_event(context& ctx, http::request req, path_params, principal who,
                http::responder respond) {
  auto e = parse_body(req, respond, {"name", "requiresApproval", "limits"}, [](fields& in) {
    return cases::event_fields{in.text("name", {true, 200}), in.boolean("requiresApproval", false),
                               limits_of(in)};
  });
  if (!e) return;
  answer_from_store(
      ctx, req, who.tenant_id, "create_event",
      [by = requester_of(who, req), e = *e](soci::session& sql) {
        return cases::create_event(sql, by, e);
      },
      respond, [](persistence::ptt_event& e) { return ok_json(event_json(e), 201); });
}

void patch_event(context& ctx, http::request req, path_params p, principal who,
                 http::responder respond) {
  std::string id(p.get("eventId"));
  auto e = parse_body(req, respond, {"name", "requiresApproval", "limits"}, [](fields& in) {
    return cases::event_fields{in.text("name", {false, 200, 1}),
                               in.boolean("requiresApproval", false), limits_of(in)};
  });
  if (!e) return;
  answer_from_store(
      ctx, req, id, "update_event",
      [by = requester_of(who, req), id, e = *e](soci::session& sql) {
        return cases::update_event(sql, by, id, e);
      },
      respond, [](persistence::ptt_event& e) { return ok_json(event_json(e)); });
}

void get_events(context& ctx, http::request req, path_params, principal who,
                http::responder respond) {
  answer_from_store(
      ctx, req, who.tenant_id, "list_events",
      [who](soci::session& sql) { return cases::visible_events(sql, who); }, respond,
      [](std::vector<persistence::ptt_event>& events) {
        json::array out;
        for (const auto& e : events) out.push_back(event_json(e));
        return ok_json(out);
      });
}

void get_event_channels(context& ctx, http::request req, path_params p, principal who,
                        http::responder respond) {
  std::string id(p.get("eventId"));
  answer_from_store(
      ctx, req, id, "event_channels",
      [who, id](soci::session& sql) { return cases::visible_channels(sql, who, id); }, respond,
      [](std::vector<persistence::ptt_channel>& channels) {
        json::array out;
        for (const auto& c : channels) {
          out.push_back(
              json::object{{"id", c.id},
                           {"name", c.name},
                           {"teamId", c.team_id ? json::value(*c.team_id) : nullptr},
                           {"teamName", c.team_name ? json::value(*c.team_name) : nullptr}});
        }
        return ok_json(out);
      });
}

void post_team(context& ctx, http::request req, path_params p, principal who,
               http::responder respond) {
  std::string event_id(p.get("eventId"));
  auto name = parse_body(req, respond, {"name"}, [](fields& in) {
    return in.text("name", {true, 200}).value_or("");
  });
  if (!name) return;
  answer_from_store(
      ctx, req, event_id, "create_team",
      [by = requester_of(who, req), event_id, name = *name](soci::session& sql) {
        return cases::create_team(sql, by, event_id, name);
      },
      respond, [](persistence::ptt_team& t) { return ok_json(team_json(t), 201); });
}

/// Channels: under a team (TEAM) or directly under the event (EVENT_ADMIN).
void post_channel(context& ctx, http::request req, principal who, http::responder respond,
                  std::optional<std::string> event_id, std::optional<std::string> team_id) {
  auto name = parse_body(req, respond, {"name", "eventId"}, [](fields& in) {
    in.text("eventId", {false, 64});  // the seed's dispatchers send it; the path decides
    return in.text("name", {true, 200}).value_or("");
  });
  if (!name) return;
  answer_from_store(
      ctx, req, team_id.value_or(event_id.value_or("")), "create_channel",
      [by = requester_of(who, req), event_id, team_id, name = *name](soci::session& sql) {
        return cases::create_channel(sql, by, event_id, team_id, name);
      },
      respond, [](persistence::ptt_channel& c) { return ok_json(channel_json(c), 201); });
}

void post_team_channel(context& ctx, http::request req, path_params p, principal who,
                       http::responder respond) {
  post_channel(ctx, std::move(req), std::move(who), std::move(respond), std::nullopt,
               std::string(p.get("teamId")));
}

void post_event_channel(context& ctx, http::request req, path_params p, principal who,
                        http::responder respond) {
  post_channel(ctx, std::move(req), std::move(who), std::move(respond),
               std::string(p.get("eventId")), std::nullopt);
}

void post_event_user(context& ctx, http::request req, path_params p, principal who,
                     http::responder respond) {
  std::string event_id(p.get("eventId"));
  auto a =
      parse_body(req, respond, {"userId", "role", "teamIds", "channelIds"}, [&req](fields& in) {
        return cases::assignment{in.text("userId", {true, 64}).value_or(""),
                                 in.choice("role", {"DISPATCH", "USER"}, false).value_or("USER"),
                                 ids(req, in, "teamIds"), ids(req, in, "channelIds")};
      });
  if (!a) return;
  answer_from_store(
      ctx, req, event_id, "assign_user",
      [by = requester_of(who, req), event_id, a = *a](soci::session& sql) {
        return cases::assign_user(sql, by, event_id, a);
      },
      respond, changed_channels_of(ctx, who, a->user_id));
}

void decide(context& ctx, const http::request& req, const path_params& p, const principal& who,
            http::responder respond, bool approve) {
  std::string event_id(p.get("eventId")), user_id(p.get("userId"));
  answer_from_store(
      ctx, req, event_id, "decide_user",
      [by = requester_of(who, req), event_id, user_id, approve](soci::session& sql) {
        return cases::decide_user(sql, by, event_id, user_id, approve);
      },
      respond, changed_channels_of(ctx, who, user_id));
}

void approve_user(context& ctx, http::request req, path_params p, principal who,
                  http::responder respond) {
  decide(ctx, req, p, who, std::move(respond), true);
}

void reject_user(context& ctx, http::request req, path_params p, principal who,
                 http::responder respond) {
  decide(ctx, req, p, who, std::move(respond), false);
}

using replace_ids_case = persistence::channel_change (*)(soci::session&, const requester&,
                                                         const std::string&, const std::string&,
                                                         const std::vector<std::string>&);

/// PATCH /api/events/:eventId/users/:userId/<list>: replaces one list of a member's ids
/// (`field` in the body) through `use_case`.
authed_handler replace_member_ids(context& ctx, std::string field, replace_ids_case use_case) {
  return [&ctx, field, use_case](http::request req, path_params p, principal who,
                                 http::responder respond) {
    std::string event_id(p.get("eventId")), user_id(p.get("userId"));
    auto list = parse_body(req, respond, {field}, [&](fields& in) {
      auto list = ids(req, in, field);
      if (!list && in.ok()) in.fail(field, "is required");
      return list.value_or(std::vector<std::string>{});
    });
    if (!list) return;
    answer_from_store(
        ctx, req, event_id, "replace_member_ids",
        [by = requester_of(who, req), event_id, user_id, list = *list,
         use_case](soci::session& sql) { return use_case(sql, by, event_id, user_id, list); },
        respond, changed_channels_of(ctx, who, user_id, false));
  };
}

void post_invite(context& ctx, http::request req, path_params p, principal who,
                 http::responder respond) {
  std::string event_id(p.get("eventId"));
  auto invite =
      parse_body(req, respond, {"teamId", "channelIds", "expiresInMinutes", "maxUses", "email"},
                 [&](fields& in) {
                   cases::invite_request r;
                   r.team_id = in.text("teamId", {false, 64});
                   r.channel_ids = ids(req, in, "channelIds").value_or(std::vector<std::string>{});
                   r.minutes = in.integer("expiresInMinutes", 1, 366 * 24 * 60, false).value_or(15);
                   r.max_uses = in.integer("maxUses", 0, 1'000'000, false).value_or(0);
                   r.email = in.email("email", false);
                   r.web_base_url = ctx.cfg.auth.web_base_url;
                   return r;
                 });
  if (!invite) return;
  answer_from_store(
      ctx, req, event_id, "create_event_invite",
      [by = requester_of(who, req), event_id, invite = *invite](soci::session& sql) {
        return cases::create_invite(sql, by, event_id, invite);
      },
      respond,
      [&ctx, mailed = invite->email.has_value()](persistence::event_invite& invite) {
        if (mailed) nudge_mailer(ctx);
        return ok_json(
            json::object{{"token", invite.token}, {"expiresAt", iso_time(invite.expires_at_us)}});
      });
}

void join_invite(context& ctx, http::request req, path_params p, principal who,
                 http::responder respond) {
  std::string token(p.get("token"));
  answer_from_store(
      ctx, req, token, "join_event_invite",
      [by = requester_of(who, req), token](soci::session& sql) {
        return cases::join_invite(sql, by, token);
      },
      respond, changed_channels_of(ctx, who, who.id));
}

}  // namespace

void add_ptt_routes(router& r, context& ctx) {
  route_table routes{r, ctx};
  routes.add("POST", "/api/events", policy::admins, post_event);
  routes.add("PATCH", "/api/events/:eventId", policy::admins, patch_event);
  routes.add("GET", "/api/events", policy::any_user, get_events);
  routes.add("GET", "/api/events/:eventId/channels", policy::any_user, get_event_channels);
  routes.add("POST", "/api/events/:eventId/teams", policy::any_user, post_team);
  routes.add("POST", "/api/teams/:teamId/channels", policy::any_user, post_team_channel);
  routes.add("POST", "/api/events/:eventId/channels", policy::any_user, post_event_channel);
  routes.add("POST", "/api/events/:eventId/users", policy::any_user, post_event_user);
  routes.add("PATCH", "/api/events/:eventId/users/:userId/approve", policy::any_user, approve_user);
  routes.add("PATCH", "/api/events/:eventId/users/:userId/reject", policy::any_user, reject_user);
  routes.add("PATCH", "/api/events/:eventId/users/:userId/channels", policy::any_user,
             replace_member_ids(ctx, "channelIds", cases::set_user_channels));
  routes.add("PATCH", "/api/events/:eventId/users/:userId/teams", policy::any_user,
             replace_member_ids(ctx, "teamIds", cases::set_user_teams));
  routes.add("POST", "/api/events/:eventId/invites", policy::any_user, post_invite);
  routes.add("POST", "/api/invites/:token/join", policy::any_user, join_invite);
}

}  // namespace sb::api
