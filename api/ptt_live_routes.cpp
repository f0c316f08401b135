#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <memory>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/caf_errc.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/ptt_routes.hpp"
#include "api/store_call.hpp"
#include "config/domain/ptt/event_rules.hpp"
#include "config/ground/clock.hpp"
#include "persistence/connection.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "persistence/ptt/messages.hpp"
#include "protocols/auth/jwt.hpp"
#include "protocols/http/byte_range.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::tenant_scope;

namespace {

constexpr int64_t kRouterTokenSeconds = 12 * 3600;

/// What a live talk group reports.
struct channel_traffic {
  std::string channel_id;
  bool active = false;
  std::string talker;
  int64_t last_audio_ms = 0;
};

/// Asks every live talk group of `channels` for its traffic (idle groups are not woken: they
/// have none), then calls `done` with one entry per channel, from a request actor.
void collect_traffic(context& ctx, std::vector<std::string> channels,
                     std::function<void(std::vector<channel_traffic>)> done) {
  ctx.sys.spawn([&ctx, channels, done](caf::event_based_actor* self) {
    auto out = std::make_shared<std::vector<channel_traffic>>();
    auto remaining = std::make_shared<size_t>(channels.size());
    auto finish_one = [self, out, remaining, done] {
      if (--*remaining == 0) {
        done(std::move(*out));
        self->quit();
      }
    };
    if (channels.empty()) {
      done({});
      return self->quit();
    }
    for (const auto& id : channels) {
      out->push_back(channel_traffic{id, false, {}, 0});
      size_t index = out->size() - 1;
      self->request(ctx.directory, std::chrono::seconds(5), lookup_atom::value, "group:" + id)
          .then(
              [self, out, index, finish_one](caf::actor& group) {
                self->request(group, std::chrono::seconds(5), traffic_atom::value)
                    .then(
                        [out, index, finish_one](bool active, const std::string& talker,
                                                 int64_t last_ms) {
                          auto& t = (*out)[index];
                          t.active = active;
                          t.talker = talker;
                          t.last_audio_ms = last_ms;
                          finish_one();
                        },
                        [finish_one](caf::error&) { finish_one(); });
              },
              [finish_one](caf::error&) { finish_one(); });
    }
  });
}

/// The event's channels if the caller manages it; errors as problem responses otherwise.
struct managed_event {
  persistence::ptt_event event;
  std::vector<persistence::ptt_team> teams;
  std::vector<persistence::ptt_channel> channels;
  std::vector<persistence::event_member> roster;
  std::map<std::string, int64_t> team_counts;
  std::map<std::string, int64_t> channel_counts;
  std::vector<std::string> heard;
  bool may_manage = false;
};

managed_event load_event(soci::session& sql, const principal& who, const std::string& id) {
  tenant_scope scope(who.tenant_id);
  auto e = persistence::find_event(sql, scope, id);
  if (!e) throw persistence::store_error(errc::not_found, "no such event");
  managed_event out;
  out.event = *e;
  out.may_manage =
      ptt::may_manage_event(who, persistence::is_event_dispatcher(sql, scope, id, who.id));
  if (!out.may_manage) return out;
  out.teams = persistence::list_teams(sql, scope, id);
  out.channels = persistence::list_channels(sql, scope, id);
  out.roster = persistence::list_event_members(sql, scope, id);
  out.team_counts = persistence::team_member_counts(sql, scope, id);
  out.channel_counts = persistence::channel_member_counts(sql, scope, id);
  for (const auto& c : persistence::user_event_channels(sql, scope, id, who.id)) {
    out.heard.push_back(c.id);
  }
  return out;
}

json::value time_or_null(int64_t ms) {
  return ms > 0 ? json::value(iso_time(ms * 1000)) : json::value(nullptr);
}

/// Loads the event for a manager (403 for others), then asks its live groups for their
/// traffic and calls `then(event, traffic)`.
template <class Then>
void with_event_traffic(context& ctx, const http::request& req, const std::string& event_id,
                        const principal& who, http::responder respond, Then then) {
  continue_from_store(
      ctx, req, event_id, "managed_event",
      [who, event_id](soci::session& sql) { return load_event(sql, who, event_id); }, respond,
      [&ctx, req, respond, then](managed_event& m) {
        if (!m.may_manage) {
          return respond(
              http::problem(errc::forbidden, "dispatchers and administrators only", req.path));
        }
        std::vector<std::string> ids;
        for (const auto& c : m.channels) ids.push_back(c.id);
        auto shared = std::make_shared<const managed_event>(std::move(m));
        collect_traffic(ctx, ids, [shared, then](std::vector<channel_traffic> traffic) {
          then(shared, std::move(traffic));
        });
      });
}

void traffic(context& ctx, http::request req, path_params p, principal who,
             http::responder respond) {
  std::string event_id(p.get("eventId"));
  with_event_traffic(
      ctx, req, event_id, who, respond, [respond](auto, std::vector<channel_traffic> all) {
        json::array channels;
        for (const auto& t : all) {
          channels.push_back(json::object{
              {"channelId", t.channel_id},
              {"active", t.active},
              {"audioTime", time_or_null(t.last_audio_ms)},
              {"fromId", t.talker.empty() ? json::value(nullptr) : json::value(t.talker)}});
        }
        respond(http::response::json(
            200, json::serialize(
                     json::object{{"channels", channels}, {"evaluatedAt", iso_time(now_us())}})));
      });
}

/// The dashboard snapshot of the original's /overview: structure, roster, counts, statuses.
json::object overview_json(const managed_event& m, const std::vector<channel_traffic>& traffic,
                           const std::set<std::string>& online_tags) {
  json::object event{
      {"id", m.event.id}, {"name", m.event.name}, {"requiresApproval", m.event.requires_approval}};
  json::array teams, channels, roster, heard;
  for (const auto& t : m.teams) teams.push_back(json::object{{"id", t.id}, {"name", t.name}});
  for (const auto& c : m.channels) {
    channels.push_back(json::object{{"id", c.id},
                                    {"name", c.name},
                                    {"type", c.type},
                                    {"teamId", c.team_id ? json::value(*c.team_id) : nullptr}});
  }
  json::object user_status, channel_status, team_status;
  int64_t pending = 0;
  for (const auto& r : m.roster) {
    roster.push_back(json::object{{"id", r.user_id},
                                  {"email", r.email},
                                  {"displayName", r.display_name},
                                  {"role", r.role},
                                  {"status", r.status}});
    if (r.status == "PENDING") ++pending;
    user_status[r.user_id] = online_tags.count("user:" + r.user_id) ? "ONLINE" : "OFFLINE";
  }
  auto now_ms = now_us() / 1000;
  for (const auto& t : traffic) {
    bool recent = t.active || (t.last_audio_ms > 0 && now_ms - t.last_audio_ms < 60'000);
    channel_status[t.channel_id] = recent ? "ACTIVE" : "STANDBY";
  }
  for (const auto& t : m.teams) {
    bool any = false;
    for (const auto& c : m.channels) {
      if (c.team_id == t.id && channel_status[c.id] == "ACTIVE") any = true;
    }
    team_status[t.id] = any ? "ACTIVE" : "STANDBY";
  }
  for (const auto& id : m.heard) heard.push_back(json::value(id));
  json::object team_counts, channel_counts;
  for (const auto& [id, n] : m.team_counts) team_counts[id] = n;
  for (const auto& [id, n] : m.channel_counts) channel_counts[id] = n;
  return json::object{
      {"event", event},
      {"teams", teams},
      {"channels", channels},
      {"listenerChannelIds", heard},
      {"teamMemberCounts", team_counts},
      {"channelMemberCounts", channel_counts},
      {"roster", roster},
      {"pendingCount", pending},
      {"statuses",
       json::object{{"users", user_status}, {"teams", team_status}, {"channels", channel_status}}}};
}

void overview(context& ctx, http::request req, path_params p, principal who,
              http::responder respond) {
  std::string event_id(p.get("eventId"));
  with_event_traffic(
      ctx, req, event_id, who, respond,
      [&ctx, respond](std::shared_ptr<const managed_event> m,
                      std::vector<channel_traffic> traffic) {
        // Who is online: the users with a live session.
        std::vector<std::string> tags;
        for (const auto& r : m->roster) tags.push_back("user:" + r.user_id);
        ctx.sys.spawn([&ctx, m, traffic, tags, respond](caf::event_based_actor* self) {
          self->request(ctx.directory, std::chrono::seconds(5), online_atom::value, tags)
              .then(
                  [self, m, traffic, respond](std::vector<std::string>& online) {
                    std::set<std::string> on(online.begin(), online.end());
                    respond(
                        http::response::json(200, json::serialize(overview_json(*m, traffic, on))));
                    self->quit();
                  },
                  [self, respond](caf::error&) {
                    respond(http::problem(errc::internal, "presence unavailable"));
                    self->quit();
                  });
        });
      });
}

void router_token(context& ctx, http::request req, path_params, principal who,
                  http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"eventId"});
  auto event_id = in.text("eventId", {true, 64});
  if (!in.ok()) return respond(in.problem(req.path));
  answer_from_store(
      ctx, req, *event_id, "router_token",
      [who, id = *event_id](soci::session& sql) {
        tenant_scope scope(who.tenant_id);
        if (!persistence::find_event(sql, scope, id)) {
          throw persistence::store_error(errc::not_found, "no such event");
        }
        auto me = persistence::find_event_member(sql, scope, id, who.id);
        std::pair<std::string, std::vector<persistence::ptt_channel>> out;
        if (me && me->status == "ACTIVE") {
          out.first = me->role;
          out.second = persistence::user_event_channels(sql, scope, id, who.id);
        } else if (is_admin(who)) {
          out.first = "ADMIN";  // an administrator hears every channel of the event
          out.second = persistence::list_channels(sql, scope, id);
        } else {
          throw persistence::store_error(errc::forbidden, "Not active in event");
        }
        return out;
      },
      respond,
      [&ctx, who,
       event = *event_id](std::pair<std::string, std::vector<persistence::ptt_channel>>& r) {
        json::array ids;
        json::object names;
        for (const auto& c : r.second) {
          ids.push_back(json::value(c.id));
          names[c.id] = c.name;
        }
        auto now = now_us() / 1'000'000;
        json::object claims{{"userId", who.id},
                            {"eventId", event},
                            {"role", r.first},
                            {"channelIds", ids},
                            {"globalRole", is_admin(who) ? "ADMIN" : "NONE"},
                            {"iat", now},
                            {"exp", now + kRouterTokenSeconds}};
        auto token = jwt::sign_hs256(claims, ctx.router_secret);
        return http::response::json(
            200, json::serialize(json::object{{"token", token}, {"channelNames", names}}));
      });
}

/// Recording bytes read from the recorder one piece at a time, so that a download holds one
/// piece of memory, not the file (the recorder reads with pread, off the I/O threads).
std::shared_ptr<const http::body_source> recording_source(context& ctx, std::string id,
                                                          uint64_t first, uint64_t size) {
  auto source = std::make_shared<http::body_source>();
  source->size = size;
  source->read = [&ctx, id, first](uint64_t offset, uint64_t max,
                                   std::function<void(std::string)> deliver) {
    ctx.sys.spawn([&ctx, id, at = first + offset, max, deliver](caf::event_based_actor* self) {
      self->request(ctx.recorder, std::chrono::seconds(10), rec_read_atom::value, id, at, max)
          .then(
              [self, deliver](std::string& piece) {
                deliver(std::move(piece));
                self->quit();
              },
              [self, deliver](caf::error&) {
                deliver({});
                self->quit();
              });
    });
  };
  return source;
}

/// The whole recording (200), the part a Range header asks for (206), or 416.
http::response recording_response(context& ctx, const http::request& req, const std::string& id,
                                  uint64_t size) {
  auto asked = http::parse_range(req.header("range"), size);
  if (std::holds_alternative<http::unsatisfiable_range>(asked)) {
    auto r = http::problem(errc::range_not_satisfiable,
                           "the recording has " + std::to_string(size) + " bytes", req.path);
    r.with_header("Content-Range", "bytes */" + std::to_string(size));
    return r;
  }
  http::response r;
  r.with_header("Content-Type", "audio/opus");
  r.with_header("Accept-Ranges", "bytes");
  r.with_header("Cache-Control", "private, max-age=86400");
  uint64_t first = 0, length = size;
  if (const auto* range = std::get_if<http::byte_range>(&asked)) {
    r.status = 206;
    first = range->first;
    length = range->last - range->first + 1;
    r.with_header("Content-Range", fmt::format("bytes {}-{}/{}", range->first, range->last, size));
  }
  r.stream = recording_source(ctx, id, first, length);
  return r;
}

}  // namespace

void serve_recording(context& ctx, http::request req, std::string message_id, principal who,
                     http::responder respond) {
  continue_from_store(
      ctx, req, message_id, "find_recording",
      [who, message_id](soci::session& sql) {
        tenant_scope scope(who.tenant_id);
        auto m = persistence::find_ptt_message(sql, scope, message_id);
        if (!m || m->kind != "audio") {
          throw persistence::store_error(errc::not_found, "no such recording");
        }
        // Members of the channel, its event's managers, and the parties of a private talk.
        bool allowed = m->from_user == who.id || (m->channel_type == 1 && m->target == who.id);
        if (!allowed && m->channel_type == 0) {
          allowed = persistence::is_channel_listener(sql, scope, m->target, who.id);
          if (!allowed) {
            auto c = persistence::find_channel(sql, scope, m->target);
            allowed = c && ptt::may_manage_event(who, persistence::is_event_dispatcher(
                                                          sql, scope, c->event_id, who.id));
          }
        }
        if (!allowed) throw persistence::store_error(errc::not_found, "no such recording");
        return *m;
      },
      respond,
      [&ctx, req, respond](persistence::ptt_message& m) {
        ctx.sys.spawn([&ctx, req, respond, id = m.id](caf::event_based_actor* self) {
          self->request(ctx.recorder, std::chrono::seconds(10), rec_size_atom::value, id)
              .then(
                  [self, &ctx, req, respond, id](int64_t size) {
                    respond(recording_response(ctx, req, id, static_cast<uint64_t>(size)));
                    self->quit();
                  },
                  [self, respond, req](caf::error&) {
                    respond(http::problem(errc::not_found, "the recording is gone", req.path));
                    self->quit();
                  });
        });
      });
}

namespace {

void get_recording(context& ctx, http::request req, path_params p, principal who,
                   http::responder respond) {
  serve_recording(ctx, std::move(req), std::string(p.get("messageId")), std::move(who),
                  std::move(respond));
}

}  // namespace

void add_ptt_live_routes(router& r, context& ctx) {
  route_table routes{r, ctx};
  routes.add("GET", "/api/events/:eventId/traffic", policy::any_user, traffic);
  routes.add("GET", "/api/events/:eventId/overview", policy::any_user, overview);
  routes.add("POST", "/api/router/token", policy::any_user, router_token);
  routes.add("GET", "/files/audio/:messageId", policy::any_user, get_recording);
}

}  // namespace sb::api
