#include "api/ptt_routes.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <set>

#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "config/domain/ptt/event_rules.hpp"
#include "persistence/audit.hpp"
#include "persistence/connection.hpp"
#include "persistence/outbox.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::tenant_scope;

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
  auto body = json::parse(req.body, ec);
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

/// Runs `next` when the caller may manage the event: an administrator, or a DISPATCH member.
/// Otherwise answers 404 for an event of another tenant (or none), 403 within the tenant.
template <class Next>
void with_event_manager(context& ctx, const http::request& req, const principal& who,
                        const std::string& event_id, http::responder respond, Next next) {
  continue_from_store(
      ctx, req, event_id, "event_access",
      [scope = tenant_scope(who.tenant_id), event_id, user = who.id](soci::session& sql) {
        auto e = persistence::find_event(sql, scope, event_id);
        if (!e) throw persistence::store_error(errc::not_found, "no such event");
        return persistence::is_event_dispatcher(sql, scope, event_id, user);
      },
      respond,
      [respond, next, who, req](bool dispatcher) mutable {
        if (!ptt::may_manage_event(who, dispatcher)) {
          respond(http::problem(errc::forbidden, "dispatchers and administrators only", req.path));
        } else {
          next(respond);
        }
      });
}

using replace_ids_fn = std::function<persistence::channel_change(
    soci::session&, const tenant_scope&, const std::string& event_id, const std::string& user_id,
    const std::vector<std::string>& ids)>;

/// PATCH /api/events/:eventId/users/:userId/<list>: replaces one list of a member's ids
/// (`field` in the body), audited as `action`; live talk groups hear of channel changes.
authed_handler replace_member_ids(context& ctx, std::string field, std::string action,
                                  replace_ids_fn replace) {
  return [&ctx, field, action, replace](http::request req, path_params p, principal who,
                                        http::responder respond) {
    std::string event_id(p.get("eventId")), user_id(p.get("userId"));
    auto body = read_body(req, respond);
    if (!body) return;
    auto& in = *body;
    in.reject_unknown({field});
    auto list = ids(req, in, field);
    if (!list && in.ok()) in.fail(field, "is required");
    if (!in.ok()) return respond(in.problem(req.path));
    with_event_manager(
        ctx, req, who, event_id, respond,
        [&ctx, req, who, event_id, user_id, list, action, replace](http::responder respond) {
          auto audit = audit_of(who, req, action, "user", user_id, {{"eventId", event_id}});
          answer_from_store(
              ctx, req, event_id, "replace_member_ids",
              [scope = tenant_scope(who.tenant_id), event_id, user_id, list = *list, audit,
               replace](soci::session& sql) {
                auto change = replace(sql, scope, event_id, user_id, list);
                persistence::append_audit(sql, audit);
                return change;
              },
              respond,
              [&ctx, user_id](persistence::channel_change& change) {
                channels_changed(ctx, user_id, change);
                return ok_json(json::object{{"ok", true}});
              });
        });
  };
}

}  // namespace

void add_ptt_routes(router& r, context& ctx) {
  auto members = access{access::who::user, {}, false, rate_class::api};
  auto admins = access{access::who::user, {"admin"}, false, rate_class::api};

  r.add("POST", "/api/events",
        guarded(
            ctx, admins,
            [&ctx](http::request req, path_params, principal who, http::responder respond) {
              auto body = read_body(req, respond);
              if (!body) return;
              auto& in = *body;
              in.reject_unknown({"name", "requiresApproval", "limits"});
              auto name = in.text("name", {true, 200});
              auto approval = in.boolean("requiresApproval", false).value_or(false);
              auto limits = persistence::event_limits::parse(limits_of(in).value_or("{}"));
              if (!in.ok()) return respond(in.problem(req.path));
              auto audit = audit_of(who, req, "event_created", "event", "", {{"name", *name}});
              answer_from_store(
                  ctx, req, who.tenant_id, "create_event",
                  [scope = tenant_scope(who.tenant_id), name = *name, approval, limits, who,
                   audit](soci::session& sql) mutable {
                    auto e = persistence::create_event(sql, scope, name, approval, limits, who.id);
                    audit.target_id = e.id;
                    persistence::append_audit(sql, audit);
                    return e;
                  },
                  respond, [](persistence::ptt_event& e) { return ok_json(event_json(e), 201); });
            }));

  r.add("PATCH", "/api/events/:eventId",
        guarded(ctx, admins,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  std::string id(p.get("eventId"));
                  auto body = read_body(req, respond);
                  if (!body) return;
                  auto& in = *body;
                  in.reject_unknown({"name", "requiresApproval", "limits"});
                  auto name = in.text("name", {false, 200, 1});
                  auto approval = in.boolean("requiresApproval", false);
                  auto limits = limits_of(in);
                  if (!in.ok()) return respond(in.problem(req.path));
                  auto audit = audit_of(who, req, "event_updated", "event", id);
                  answer_from_store(
                      ctx, req, id, "update_event",
                      [scope = tenant_scope(who.tenant_id), id, name, approval, limits,
                       audit](soci::session& sql) {
                        auto e = persistence::update_event(sql, scope, id, name, approval, limits);
                        persistence::append_audit(sql, audit);
                        return e;
                      },
                      respond, [](persistence::ptt_event& e) { return ok_json(event_json(e)); });
                }));

  r.add("GET", "/api/events",
        guarded(ctx, members,
                [&ctx](http::request req, path_params, principal who, http::responder respond) {
                  answer_from_store(
                      ctx, req, who.tenant_id, "list_events",
                      [scope = tenant_scope(who.tenant_id), who](soci::session& sql) {
                        return is_admin(who) ? persistence::list_events(sql, scope)
                                             : persistence::list_user_events(sql, scope, who.id);
                      },
                      respond,
                      [](std::vector<persistence::ptt_event>& events) {
                        json::array out;
                        for (const auto& e : events) out.push_back(event_json(e));
                        return ok_json(out);
                      });
                }));

  r.add("GET", "/api/events/:eventId/channels",
        guarded(ctx, members,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  std::string id(p.get("eventId"));
                  answer_from_store(
                      ctx, req, id, "event_channels",
                      [scope = tenant_scope(who.tenant_id), id, who](soci::session& sql) {
                        if (!persistence::find_event(sql, scope, id)) {
                          throw persistence::store_error(errc::not_found, "no such event");
                        }
                        bool all = ptt::may_manage_event(
                            who, persistence::is_event_dispatcher(sql, scope, id, who.id));
                        return all ? persistence::list_channels(sql, scope, id)
                                   : persistence::user_event_channels(sql, scope, id, who.id);
                      },
                      respond,
                      [](std::vector<persistence::ptt_channel>& channels) {
                        json::array out;
                        for (const auto& c : channels) {
                          out.push_back(json::object{
                              {"id", c.id},
                              {"name", c.name},
                              {"teamId", c.team_id ? json::value(*c.team_id) : nullptr},
                              {"teamName", c.team_name ? json::value(*c.team_name) : nullptr}});
                        }
                        return ok_json(out);
                      });
                }));

  r.add("POST", "/api/events/:eventId/teams",
        guarded(ctx, members,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  std::string event_id(p.get("eventId"));
                  auto body = read_body(req, respond);
                  if (!body) return;
                  auto& in = *body;
                  in.reject_unknown({"name"});
                  auto name = in.text("name", {true, 200});
                  if (!in.ok()) return respond(in.problem(req.path));
                  with_event_manager(
                      ctx, req, who, event_id, respond,
                      [&ctx, req, who, event_id, name](http::responder respond) {
                        auto audit = audit_of(who, req, "team_created", "team", "",
                                              {{"eventId", event_id}, {"name", *name}});
                        answer_from_store(
                            ctx, req, event_id, "create_team",
                            [scope = tenant_scope(who.tenant_id), event_id, name = *name,
                             audit](soci::session& sql) mutable {
                              auto t = persistence::create_team(sql, scope, event_id, name);
                              audit.target_id = t.id;
                              persistence::append_audit(sql, audit);
                              return t;
                            },
                            respond,
                            [](persistence::ptt_team& t) { return ok_json(team_json(t), 201); });
                      });
                }));

  // Channels: under a team (TEAM) or directly under the event (EVENT_ADMIN).
  auto create_channel = [&ctx](http::request req, principal who, http::responder respond,
                               std::optional<std::string> event_id,
                               std::optional<std::string> team_id) {
    auto body = read_body(req, respond);
    if (!body) return;
    auto& in = *body;
    in.reject_unknown({"name", "eventId"});
    auto name = in.text("name", {true, 200});
    in.text("eventId", {false, 64});  // the seed's dispatchers send it; the path decides
    if (!in.ok()) return respond(in.problem(req.path));
    // A team's channel belongs to the team's event: find it first.
    continue_from_store(
        ctx, req, team_id.value_or(*event_id), "channel_event",
        [scope = tenant_scope(who.tenant_id), event_id, team_id](soci::session& sql) {
          if (event_id) return *event_id;
          auto t = persistence::find_team(sql, scope, *team_id);
          if (!t) throw persistence::store_error(errc::not_found, "no such team");
          return t->event_id;
        },
        respond,
        [&ctx, req, who, name, team_id, respond](std::string event_id) mutable {
          with_event_manager(
              ctx, req, who, event_id, respond,
              [&ctx, req, who, name, team_id, event_id](http::responder respond) {
                auto audit =
                    audit_of(who, req, team_id ? "channel_created" : "admin_channel_created",
                             "channel", "", {{"eventId", event_id}, {"name", *name}});
                answer_from_store(
                    ctx, req, event_id, "create_channel",
                    [scope = tenant_scope(who.tenant_id), event_id, team_id, name = *name,
                     audit](soci::session& sql) mutable {
                      auto c = persistence::create_channel(sql, scope, event_id, team_id, name);
                      audit.target_id = c.id;
                      persistence::append_audit(sql, audit);
                      return c;
                    },
                    respond,
                    [](persistence::ptt_channel& c) { return ok_json(channel_json(c), 201); });
              });
        });
  };
  r.add("POST", "/api/teams/:teamId/channels",
        guarded(ctx, members,
                [create_channel](http::request req, path_params p, principal who,
                                 http::responder respond) {
                  create_channel(std::move(req), std::move(who), std::move(respond), std::nullopt,
                                 std::string(p.get("teamId")));
                }));
  r.add("POST", "/api/events/:eventId/channels",
        guarded(ctx, members,
                [create_channel](http::request req, path_params p, principal who,
                                 http::responder respond) {
                  create_channel(std::move(req), std::move(who), std::move(respond),
                                 std::string(p.get("eventId")), std::nullopt);
                }));

  r.add("POST", "/api/events/:eventId/users",
        guarded(ctx, members,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  std::string event_id(p.get("eventId"));
                  auto body = read_body(req, respond);
                  if (!body) return;
                  auto& in = *body;
                  in.reject_unknown({"userId", "role", "teamIds", "channelIds"});
                  auto user_id = in.text("userId", {true, 64});
                  auto role = in.choice("role", {"DISPATCH", "USER"}, false).value_or("USER");
                  auto teams = ids(req, in, "teamIds");
                  auto channels = ids(req, in, "channelIds");
                  if (!in.ok()) return respond(in.problem(req.path));
                  with_event_manager(
                      ctx, req, who, event_id, respond,
                      [&ctx, req, who, event_id, user_id, role, teams,
                       channels](http::responder respond) {
                        auto audit = audit_of(who, req, "event_user_assigned", "user", *user_id,
                                              {{"eventId", event_id}, {"role", role}});
                        answer_from_store(
                            ctx, req, event_id, "assign_user",
                            [scope = tenant_scope(who.tenant_id), event_id, user = *user_id, role,
                             teams, channels, who, audit](soci::session& sql) {
                              auto change = persistence::assign_user(sql, scope, event_id, user,
                                                                     role, teams, channels, who.id);
                              persistence::append_audit(sql, audit);
                              return change;
                            },
                            respond,
                            [&ctx, user = *user_id](persistence::channel_change& change) {
                              channels_changed(ctx, user, change);
                              return ok_json(json::object{{"ok", true}, {"status", change.status}});
                            });
                      });
                }));

  auto decide = [&ctx](http::request req, path_params p, principal who, http::responder respond,
                       bool approve) {
    std::string event_id(p.get("eventId")), user_id(p.get("userId"));
    with_event_manager(
        ctx, req, who, event_id, respond,
        [&ctx, req, who, event_id, user_id, approve](http::responder respond) {
          auto audit = audit_of(who, req, approve ? "event_user_approved" : "event_user_rejected",
                                "user", user_id, {{"eventId", event_id}});
          answer_from_store(
              ctx, req, event_id, "decide_user",
              [scope = tenant_scope(who.tenant_id), event_id, user_id, approve, who,
               audit](soci::session& sql) {
                auto change =
                    persistence::decide_user(sql, scope, event_id, user_id, approve, who.id);
                persistence::append_audit(sql, audit);
                return change;
              },
              respond,
              [&ctx, user_id](persistence::channel_change& change) {
                channels_changed(ctx, user_id, change);
                return ok_json(json::object{{"ok", true}, {"status", change.status}});
              });
        });
  };
  r.add("PATCH", "/api/events/:eventId/users/:userId/approve",
        guarded(ctx, members, [decide](auto req, auto p, auto who, auto respond) {
          decide(std::move(req), std::move(p), std::move(who), std::move(respond), true);
        }));
  r.add("PATCH", "/api/events/:eventId/users/:userId/reject",
        guarded(ctx, members, [decide](auto req, auto p, auto who, auto respond) {
          decide(std::move(req), std::move(p), std::move(who), std::move(respond), false);
        }));

  r.add("PATCH", "/api/events/:eventId/users/:userId/channels",
        guarded(ctx, members,
                replace_member_ids(
                    ctx, "channelIds", "user_channels_updated",
                    [](soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                       const std::string& user_id, const std::vector<std::string>& channels) {
                      return persistence::set_user_channels(sql, scope, event_id, user_id,
                                                            channels);
                    })));
  r.add("PATCH", "/api/events/:eventId/users/:userId/teams",
        guarded(ctx, members,
                replace_member_ids(
                    ctx, "teamIds", "user_teams_updated",
                    [](soci::session& sql, const tenant_scope& scope, const std::string& event_id,
                       const std::string& user_id, const std::vector<std::string>& teams) {
                      persistence::set_user_teams(sql, scope, event_id, user_id, teams);
                      return persistence::channel_change{};
                    })));

  r.add(
      "POST", "/api/events/:eventId/invites",
      guarded(ctx, members,
              [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                std::string event_id(p.get("eventId"));
                auto body = read_body(req, respond);
                if (!body) return;
                auto& in = *body;
                in.reject_unknown({"teamId", "channelIds", "expiresInMinutes", "maxUses", "email"});
                auto team = in.text("teamId", {false, 64});
                auto channels = ids(req, in, "channelIds").value_or(std::vector<std::string>{});
                auto minutes = in.integer("expiresInMinutes", 1, 366 * 24 * 60, false).value_or(15);
                auto max_uses = in.integer("maxUses", 0, 1'000'000, false).value_or(0);
                auto email = in.email("email", false);
                if (!in.ok()) return respond(in.problem(req.path));
                with_event_manager(
                    ctx, req, who, event_id, respond,
                    [&ctx, req, who, event_id, team, channels, minutes, max_uses,
                     email](http::responder respond) {
                      auto audit = audit_of(who, req, "invite_created", "event", event_id,
                                            {{"maxUses", max_uses}});
                      auto base = ctx.cfg.auth.web_base_url;
                      answer_from_store(
                          ctx, req, event_id, "create_event_invite",
                          [scope = tenant_scope(who.tenant_id), event_id, team, channels, minutes,
                           max_uses, email, who, audit, base](soci::session& sql) {
                            auto invite = persistence::create_event_invite(
                                sql, scope, event_id, team, channels, minutes * 60'000'000,
                                max_uses, who.id);
                            persistence::append_audit(sql, audit);
                            if (email) {
                              persistence::enqueue_email(
                                  sql, scope.tenant_id(), *email,
                                  "You are invited to a Switchboard event",
                                  fmt::format("Join the event here:\r\n{}/login?invite={}\r\n",
                                              base, invite.token));
                            }
                            return invite;
                          },
                          respond,
                          [&ctx, email](persistence::event_invite& invite) {
                            if (email) nudge_mailer(ctx);
                            return ok_json(
                                json::object{{"token", invite.token},
                                             {"expiresAt", iso_time(invite.expires_at_us)}});
                          });
                    });
              }));

  r.add("POST", "/api/invites/:token/join",
        guarded(ctx, members,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  std::string token(p.get("token"));
                  auto audit = audit_of(who, req, "invite_joined", "user", who.id);
                  answer_from_store(
                      ctx, req, token, "join_event_invite",
                      [scope = tenant_scope(who.tenant_id), token, who, audit](soci::session& sql) {
                        auto change = persistence::join_event_invite(sql, scope, token, who.id);
                        persistence::append_audit(sql, audit);
                        return change;
                      },
                      respond,
                      [&ctx, who](persistence::channel_change& change) {
                        channels_changed(ctx, who.id, change);
                        return ok_json(json::object{{"ok", true}, {"status", change.status}});
                      });
                }));
}

}  // namespace sb::api
