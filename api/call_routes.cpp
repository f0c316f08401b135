#include "api/call_routes.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/calls/call_client.hpp"
#include "api/cti_routes.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "config/domain/identity/privilege.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/json_or_null.hpp"
#include "persistence/calls/calls.hpp"
#include "persistence/connection.hpp"
#include "protocols/calls/call_json.hpp"
#include "protocols/calls/ice_servers.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using calls::call_action;
using persistence::tenant_scope;

namespace {

/// Bodies are bounded by http.max_body_bytes; the call actor applies the SDP and candidate
/// limits so that REST and WebSocket refuse alike (413 payload_too_large).
constexpr size_t kUnbounded = SIZE_MAX;

call_ok answer_call(http::responder respond, uint16_t status = 200) {
  return [respond, status](const calls::call_row& c) {
    respond(api_response(calls::call_json(c), status));
  };
}

call_failed answer_failure(context& ctx, http::responder respond, std::string path) {
  return [&ctx, respond, path](const caf::error& err) {
    respond(store_problem(ctx, persistence::store_failure::of(err), path));
  };
}

/// For a user who came with a Matrix access token (seed 003: "call permissions based on room
/// membership"): `then()` only when they and each Matrix id of `others` are joined members of
/// `room`, asked of the homeserver with the user's own token; 403 otherwise. Others go on.
void when_in_room(context& ctx, const http::request& req, const principal& who,
                  const std::string& room, std::vector<std::string> others, http::responder respond,
                  std::function<void()> then) {
  if (who.matrix_user.empty() || !ctx.matrix) return then();
  others.push_back(who.matrix_user);
  ctx.matrix->joined_members(
      std::string(req.bearer_token()), room,
      [room, others, path = req.path, respond, then](auto answer) {
        auto* members = std::get_if<std::vector<std::string>>(&answer);
        if (!members) {
          auto code = std::get<errc>(answer);
          return respond(
              http::problem(code == errc::unauthorized ? errc::forbidden : code,
                            code == errc::forbidden || code == errc::unauthorized
                                ? "you are not a joined member of the room " + room
                                : "the homeserver could not say who is in the room; retry later",
                            path));
        }
        for (const auto& id : others) {
          if (std::find(members->begin(), members->end(), id) == members->end()) {
            return respond(http::problem(errc::forbidden,
                                         id + " is not a joined member of the room " + room, path));
          }
        }
        then();
      });
}

void initiate(context& ctx, const http::request& req, const principal& who,
              http::responder respond) {
  auto in = read_body(req, respond);
  if (!in) return;
  in->reject_unknown(
      {"extension", "user_id", "userId", "participants", "media", "room_id", "roomId", "sdp"});
  std::vector<std::string> targets;
  int forms = 0;
  for (auto name : {"extension", "user_id", "userId"}) {
    if (auto v = in->text(name, {false, 64})) {
      targets.push_back(*v);
      ++forms;
    }
  }
  if (auto list = in->text_list("participants", 63, 64, false)) {
    targets = *list;
    ++forms;
  }
  if (in->ok() && forms != 1) {
    in->fail("participants", "give exactly one of extension, user_id (userId), participants");
  }
  auto media = in->choice("media", {"audio", "video"}, false);
  auto room = in->text("room_id", {false, 255});
  if (!room) room = in->text("roomId", {false, 255});
  auto sdp = in->raw_text("sdp", kUnbounded, false);
  if (!in->ok()) return respond(in->problem(req.path));
  call_setup setup;
  setup.tenant_id = who.tenant_id;
  setup.caller_id = who.id;
  for (const auto& t : targets) setup.callees.push_back(calls::callee_of(t));
  setup.media = media.value_or("audio");
  setup.room_id = room;
  setup.sdp = sdp;
  std::vector<std::string> matrix_callees;
  for (const auto& c : setup.callees) {
    if (!c.matrix_user.empty()) matrix_callees.push_back(c.matrix_user);
  }
  auto place = [&ctx, setup = std::move(setup), respond, path = req.path]() mutable {
    place_call(ctx.sys, *ctx.calls, std::move(setup), answer_call(respond, 201),
               answer_failure(ctx, respond, path));
  };
  if (!room) return place();
  when_in_room(ctx, req, who, *room, std::move(matrix_callees), respond, std::move(place));
}

/// Reads what an action carries from the body; answers 400 and returns false when invalid.
/// `audio` tells a media toggle which medium it is about.
bool read_action_body(const http::request& req, call_action action, bool audio, call_command& cmd,
                      http::responder& respond) {
  auto in = read_body(req, respond);
  if (!in) return false;
  switch (action) {
    case call_action::offer:
    case call_action::answer_sdp:
      in->reject_unknown({"sdp", "to"});
      if (auto sdp = in->raw_text("sdp", kUnbounded, true)) cmd.payload = *sdp;
      break;
    case call_action::ice: {
      in->reject_unknown({"candidate", "to"});
      auto* v = in->value("candidate");
      auto candidate = v ? calls::candidate_json(*v) : std::nullopt;
      if (!candidate) {
        in->fail("candidate", "must be an object {candidate, sdpMid, sdpMLineIndex}");
      } else {
        cmd.payload = *candidate;
      }
      break;
    }
    case call_action::media:
      // toggle-audio / toggle-video: {"enabled": bool} sets, no body toggles.
      in->reject_unknown({"enabled"});
      break;
    default:
      in->reject_unknown({});
      break;
  }
  if (in->has("to")) {
    if (auto to = in->text("to", {true, 64})) cmd.to = *to;
  }
  std::optional<bool> enabled;
  if (action == call_action::media) enabled = in->boolean("enabled", false);
  if (!in->ok()) {
    respond(in->problem(req.path));
    return false;
  }
  if (action == call_action::media) {
    (audio ? cmd.audio : cmd.video) = enabled;
    (audio ? cmd.flip_audio : cmd.flip_video) = !enabled;
  }
  return true;
}

/// POST /api/calls/:callId/<verb>: `action` on the call, for the token's user.
void add_action(router& r, context& ctx, const char* verb, call_action action, bool audio = false) {
  r.add("POST", std::string("/api/calls/:callId/") + verb,
        guarded(ctx, policy::callers,
                [&ctx, action, audio](http::request req, path_params p, principal who,
                                      http::responder respond) {
                  call_command cmd;
                  cmd.action = action;
                  cmd.tenant_id = who.tenant_id;
                  cmd.user_id = who.id;
                  if (!read_action_body(req, action, audio, cmd, respond)) return;
                  auto call_id = std::string(p.get("callId"));
                  auto act = [&ctx, call_id, cmd, respond, path = req.path]() mutable {
                    ask_call(ctx.sys, *ctx.calls, call_id, std::move(cmd), answer_call(respond),
                             answer_failure(ctx, respond, path));
                  };
                  // Answering joins the call: a Matrix user must be in its room.
                  if (action != call_action::answer || who.matrix_user.empty()) return act();
                  ctx.store.ask(
                      ctx.sys, call_id, "call_room",
                      [tenant = who.tenant_id, call_id](soci::session& sql) {
                        auto c = persistence::find_call(sql, tenant_scope(tenant), call_id);
                        return c ? c->room_id : std::nullopt;
                      },
                      [&ctx, req, who, respond, act](std::optional<std::string>& room) mutable {
                        if (!room) return act();
                        when_in_room(ctx, req, who, *room, {}, respond, std::move(act));
                      },
                      [&ctx, respond, path = req.path](const persistence::store_failure& f) {
                        respond(store_problem(ctx, f, path));
                      });
                }));
}

void live_calls(context& ctx, const http::request& req, const principal& who,
                http::responder respond) {
  answer_from_store(
      ctx, req, who.id, "live_calls_of",
      [tenant = who.tenant_id, user = who.id](soci::session& sql) {
        return persistence::live_calls_of(sql, tenant_scope(tenant), user);
      },
      respond,
      [](std::vector<calls::call_row>& found) {
        json::array items;
        for (const auto& c : found) items.push_back(calls::call_json(c));
        return api_response(std::move(items));
      });
}

void call_events(context& ctx, const http::request& req, const principal& who,
                 const std::string& call_id, http::responder respond) {
  answer_from_store(
      ctx, req, call_id, "call_events_of",
      [tenant = who.tenant_id, user = who.id, call_id](soci::session& sql) {
        tenant_scope scope(tenant);
        auto call = persistence::find_call(sql, scope, call_id);
        if (auto no =
                calls::refusal_for(call ? &*call : nullptr, tenant, user, call_action::status)) {
          throw persistence::store_error(no->code, no->message);
        }
        return persistence::call_events_of(sql, scope, call_id);
      },
      respond,
      [](std::vector<persistence::call_event_row>& events) {
        json::array items;
        for (const auto& e : events) {
          json::error_code ec;
          auto detail = json::parse(e.detail, ec);
          items.push_back(json::object{{"id", e.id},
                                       {"type", e.type},
                                       {"user_id", json_or_null(e.user_id)},
                                       {"detail", ec ? json::value(json::object{}) : detail},
                                       {"at", iso_time(e.at_us)}});
        }
        return api_response(std::move(items));
      });
}

json::object history_json(const persistence::call_history_entry& h) {
  return {{"id", h.id},
          {"userId", h.user_id},
          {"callId", json_or_null(h.call_id)},
          {"source", h.source},
          {"contactUserId", json_or_null(h.contact_user_id)},
          {"contactName", h.contact_name},
          {"contactExtension", json_or_null(h.contact_extension)},
          {"direction", h.direction},
          {"timestamp", iso_time(h.started_at_us)},
          {"duration", json_or_null(h.duration_s)},
          {"answered", h.answered},
          {"outcome", h.outcome}};
}

void list_history(context& ctx, const http::request& req, const principal& who,
                  http::responder respond) {
  auto q = fields::from_query(req);
  q.reject_unknown({"userId", "page", "limit"});
  auto user = q.text("userId", {false, 64}).value_or(who.id);
  auto page = q.integer("page", 1, 1'000'000, false).value_or(1);
  auto limit = q.integer("limit", 1, 100, false).value_or(20);
  if (!q.ok()) return respond(q.problem(req.path));
  if (user != who.id && !is_staff(who)) {
    return respond(http::problem(
        errc::forbidden, "only admins and managers read other users' call history", req.path));
  }
  answer_from_store(
      ctx, req, user, "list_call_history",
      [tenant = who.tenant_id, user, page, limit](soci::session& sql) {
        return persistence::list_call_history(sql, tenant_scope(tenant), user, limit,
                                              (page - 1) * limit);
      },
      respond,
      [page, limit](persistence::call_history_page& found) {
        json::array items;
        for (const auto& h : found.items) items.push_back(history_json(h));
        return list_response(std::move(items), page, limit, found.total);
      });
}

void get_history(context& ctx, const http::request& req, const principal& who,
                 const std::string& id, http::responder respond) {
  answer_from_store(
      ctx, req, id, "find_call_history",
      [tenant = who.tenant_id, id, user = who.id, all = is_staff(who)](soci::session& sql) {
        auto h = persistence::find_call_history(sql, tenant_scope(tenant), id);
        // Someone else's entry does not exist for a plain user.
        if (!h || (!all && h->user_id != user)) {
          throw persistence::store_error(errc::not_found, "no such call history entry");
        }
        return *h;
      },
      respond, [](persistence::call_history_entry& h) { return api_response(history_json(h)); });
}

/// The seed's POST: a call the client logged itself (one Switchboard did not signal). It is
/// the caller's own entry, marked client-reported; the node's entries stay as they are.
void report_history(context& ctx, const http::request& req, const principal& who,
                    http::responder respond) {
  auto in = read_body(req, respond);
  if (!in) return;
  in->reject_unknown({"contactName", "contactExtension", "direction", "timestamp", "duration",
                      "answered", "outcome"});
  persistence::call_history_entry h;
  h.user_id = who.id;
  auto name = in->text("contactName", {true, 100, 1});
  auto extension = in->extension("contactExtension");
  auto direction = in->choice("direction", {"inbound", "outbound"}, true);
  auto at = in->timestamp("timestamp", false);
  auto duration = in->integer("duration", 0, 7 * 86400, false);
  auto answered = in->boolean("answered", true);
  auto outcome =
      in->choice("outcome", {"answered", "missed", "rejected", "cancelled", "failed"}, false);
  if (at && *at > now_us() + int64_t{300} * 1'000'000) {
    in->fail("timestamp", "must not be in the future");
  }
  if (answered && outcome && (*outcome == "answered") != *answered) {
    in->fail("outcome", "must be answered exactly when answered is true");
  }
  if (!in->ok()) return respond(in->problem(req.path));
  h.contact_name = *name;
  if (extension) h.contact_extension = *extension;
  h.direction = *direction;
  h.started_at_us = at.value_or(now_us());
  h.duration_s = duration;
  h.answered = *answered;
  h.outcome = outcome.value_or(h.answered ? "answered" : "missed");
  answer_from_store(
      ctx, req, who.id, "report_call_history",
      [tenant = who.tenant_id, h](soci::session& sql) {
        return persistence::add_client_call_history(sql, tenant_scope(tenant), h);
      },
      respond,
      [](persistence::call_history_entry& saved) {
        return api_response(history_json(saved), 201);
      });
}

}  // namespace

void add_call_routes(router& r, context& ctx) {
  // Literal paths first: /api/calls/:id (the CTI route) would take them otherwise.
  r.add("GET", "/api/calls/active",
        guarded(ctx, policy::callers_or_apps,
                [&ctx](http::request req, path_params, principal who, http::responder respond) {
                  // One call model, answered by principal: an app sees its tenant's telephony
                  // calls (CTI), a user their own live calls.
                  if (who.type == principal::kind::app) {
                    return list_cti_calls(ctx, req, who, true, std::move(respond));
                  }
                  live_calls(ctx, req, who, std::move(respond));
                }));
  r.add("GET", "/api/calls/ice-servers",
        guarded(ctx, policy::callers,
                [&ctx](http::request, path_params, principal who, http::responder respond) {
                  respond(api_response(
                      calls::ice_servers_json(ctx.cfg.calls, who.id, now_us() / 1'000'000)));
                }));
  r.add("POST", "/api/calls/initiate",
        guarded(ctx, policy::callers,
                [&ctx](http::request req, path_params, principal who, http::responder respond) {
                  initiate(ctx, req, who, std::move(respond));
                }));
  add_action(r, ctx, "answer", call_action::answer);
  add_action(r, ctx, "reject", call_action::reject);
  add_action(r, ctx, "end", call_action::end);
  add_action(r, ctx, "offer", call_action::offer);
  add_action(r, ctx, "answer-sdp", call_action::answer_sdp);
  add_action(r, ctx, "ice-candidate", call_action::ice);
  add_action(r, ctx, "toggle-audio", call_action::media, true);
  add_action(r, ctx, "toggle-video", call_action::media, false);
  r.add("GET", "/api/calls/:callId/status",
        guarded(ctx, policy::callers,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  call_command cmd;
                  cmd.tenant_id = who.tenant_id;
                  cmd.user_id = who.id;
                  ask_call(ctx.sys, *ctx.calls, std::string(p.get("callId")), std::move(cmd),
                           answer_call(respond), answer_failure(ctx, respond, req.path));
                }));
  r.add("GET", "/api/calls/:callId/events",
        guarded(ctx, policy::callers,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  call_events(ctx, req, who, std::string(p.get("callId")), std::move(respond));
                }));
  r.add("GET", "/api/v1/call-history",
        guarded(ctx, policy::callers,
                [&ctx](http::request req, path_params, principal who, http::responder respond) {
                  list_history(ctx, req, who, std::move(respond));
                }));
  r.add("POST", "/api/v1/call-history",
        guarded(ctx, policy::callers,
                [&ctx](http::request req, path_params, principal who, http::responder respond) {
                  report_history(ctx, req, who, std::move(respond));
                }));
  r.add("GET", "/api/v1/call-history/:id",
        guarded(ctx, policy::callers,
                [&ctx](http::request req, path_params p, principal who, http::responder respond) {
                  get_history(ctx, req, who, std::string(p.get("id")), std::move(respond));
                }));
}

}  // namespace sb::api
