#include "api/voiceping_endpoint.hpp"

#include <caf/actor_system.hpp>

#include "actors/ptt/membership_news.hpp"
#include "actors/session/voiceping_adapter.hpp"
#include "api/guard.hpp"
#include "api/ptt_routes.hpp"
#include "api/websocket_endpoint.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "protocols/auth/jwt.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace {

struct vp_credentials {
  std::string token;
  std::string device_id;
  std::string subprotocol;  ///< echoed when the token came as the first subprotocol
};

std::string first_of(const http::request& req, std::initializer_list<std::string_view> names) {
  for (auto name : names) {
    if (auto v = req.header(name); !v.empty()) return std::string(v);
  }
  return {};
}

vp_credentials credentials_of(const http::request& req) {
  vp_credentials c;
  auto offered = req.subprotocols();
  c.token = first_of(req, {"token", "voicepingtoken"});
  if (c.token.empty() && !offered.empty()) c.token = c.subprotocol = std::string(offered[0]);
  c.device_id = first_of(req, {"device_id", "deviceid"});
  if (c.device_id.empty() && offered.size() > 1) c.device_id = std::string(offered[1]);
  if (c.device_id.empty()) c.device_id = c.token;
  if (c.token.empty()) {
    // Plain HTTP downloads: ?token= or a bearer token.
    c.token = req.bearer_token().empty() ? req.query_param("token").value_or("")
                                         : std::string(req.bearer_token());
  }
  return c;
}

/// Who a VoicePing token names, and whether it listed the user's channels.
struct vp_identity {
  principal who;
  bool channel_list = false;
};

using identity_fn = std::function<void(std::variant<vp_identity, errc>)>;

authenticator::done_fn as_identity(identity_fn done, bool channel_list) {
  return [done, channel_list](auth_result r) {
    if (auto* who = std::get_if<principal>(&r)) return done(vp_identity{*who, channel_list});
    done(std::get<errc>(r));
  };
}

/// A token's id as its clients write it: a string, or an integer (kept as one on the wire).
std::optional<persistence::external_id> external_of(const boost::json::value& v) {
  if (v.is_string() && !v.get_string().empty()) return {{std::string(v.get_string()), false}};
  if (v.is_int64()) return {{std::to_string(v.get_int64()), true}};
  if (v.is_uint64()) return {{std::to_string(v.get_uint64()), true}};
  return std::nullopt;
}

/// The drop-in router mode: the foreign user (and the token's channels) provisioned or found in
/// the mode's tenant, then authenticated as any user.
void admit_foreign(context& ctx, persistence::external_id user,
                   std::vector<persistence::external_id> channels, bool listed, identity_fn done) {
  auto naming = ctx.voiceping;
  ctx.store.ask(
      ctx.sys, "vp-dropin:" + naming->dropin.tenant_id, "dropin_admit",
      [scope = naming->dropin, user, channels](soci::session& sql) {
        return persistence::admit_dropin_user(sql, scope, user, channels);
      },
      [&ctx, naming, listed, done](persistence::dropin_change& c) {
        learn_links(*naming->ids, c.new_links);
        announce_channel_change(ctx.directory, ctx.membership, naming->dropin.tenant_id, c.user_id,
                                c.channels);
        ctx.auth.user_id(c.user_id, as_identity(done, listed));
      },
      [done](const persistence::store_failure& f) { done(f.code); });
}

/// In the drop-in mode, a user id that is one of ours names that user; any other is foreign.
void resolve_user(context& ctx, const persistence::external_id& user,
                  std::vector<persistence::external_id> channels, bool listed, identity_fn done) {
  const auto& naming = ctx.voiceping;
  bool foreign_mode = naming && naming->dropin_on();
  bool linked =
      foreign_mode && naming->ids->internal_of(voiceping::wire_ids::kind::user, user.text);
  if (!foreign_mode || (!linked && crypto::is_uuid(user.text))) {
    return ctx.auth.user_id(user.text,
                            [&ctx, user, channels, listed, done, foreign_mode](auth_result r) {
                              if (std::holds_alternative<principal>(r) || !foreign_mode) {
                                return as_identity(done, listed)(std::move(r));
                              }
                              if (std::get<errc>(r) != errc::unauthorized)
                                return done(std::get<errc>(r));
                              admit_foreign(ctx, user, channels, listed, done);
                            });
  }
  admit_foreign(ctx, user, std::move(channels), listed, std::move(done));
}

void resolve_identity(context& ctx, const std::string& token, identity_fn done) {
  bool dropin = ctx.voiceping && ctx.voiceping->dropin_on();
  if (std::count(token.begin(), token.end(), '.') != 2) {
    if (!ctx.cfg.ptt.legacy_join) return done(errc::unauthorized);
    // The legacy join: the token is the user id ("<company>_<userId>" from the SDK).
    return resolve_user(ctx, {token, false}, {}, false, std::move(done));
  }
  // Router tokens name userId (or uid); an access token (signed with the same secret when
  // ROUTER_JWT_SECRET is unset) names neither and is checked as an access token. A foreign
  // issuer's tokens may have no expiry: accepted in the drop-in mode only.
  auto claims = jwt::verify_hs256(token, ctx.router_secret, {now_us() / 1'000'000, 30, !dropin});
  const auto* c = std::get_if<boost::json::object>(&claims);
  const auto* id = c ? c->if_contains("userId") : nullptr;
  if (c && !id) id = c->if_contains("uid");
  if (!id) return ctx.auth.user_token(token, as_identity(std::move(done), false));
  auto user = external_of(*id);
  if (!user) return done(errc::unauthorized);
  const auto* listed = c->if_contains("channelIds");
  std::vector<persistence::external_id> channels;
  if (listed && listed->is_array()) {
    for (const auto& v : listed->get_array()) {
      if (auto ch = external_of(v)) channels.push_back(std::move(*ch));
    }
  }
  bool has_list = listed && listed->is_array();
  resolve_user(ctx, *user, std::move(channels), has_list, std::move(done));
}

http::response unauthorized(context& ctx, const http::request& req, errc code) {
  if (code == errc::unauthorized) count_failed_credentials(ctx, req);
  return http::problem(code,
                       code == errc::unauthorized ? "a VoicePing connection needs a valid token"
                                                  : "credentials could not be checked; retry later",
                       req.path);
}

}  // namespace

void handle_voiceping_upgrade(context& ctx, http::request req,
                              protocols::upgrade_responder respond) {
  if (ctx.node->draining.load()) {
    return respond(http::problem(errc::shutting_down, "the server is shutting down", req.path));
  }
  if (auto refusal = credentials_refused(ctx, req)) return respond(std::move(*refusal));
  auto creds = credentials_of(req);
  if (creds.token.empty()) return respond(unauthorized(ctx, req, errc::unauthorized));
  resolve_identity(ctx, creds.token, [&ctx, req, creds, respond](auto result) {
    auto* id = std::get_if<vp_identity>(&result);
    if (!id) return respond(unauthorized(ctx, req, std::get<errc>(result)));
    const auto& who = id->who;
    auto slot = connection_slot(ctx, who);
    if (!slot) return respond(too_many_connections(ctx, who, req));
    std::vector<std::string> tags{who.tag(), "tenant:" + who.tenant_id, "vp-user:" + who.id};
    protocols::ws_accept accept;
    accept.subprotocol = creds.subprotocol;
    accept.attach = [&ctx, who, tags, creds, slot,
                     user_add = !id->channel_list](ws::outbound_ptr out) -> ws::handler_ptr {
      auto deps = session_deps_for(ctx, who, tags, out, wire::voiceping);
      deps.device_id = creds.device_id;
      deps.user_add = user_add;
      auto session = ctx.sys.spawn(session_impl, std::move(deps));
      auto budget = message_budget_for(ctx, who, *out);
      return holding_slot(
          std::make_shared<voiceping::adapter>(std::move(session), std::move(out), budget), slot);
    };
    respond(std::move(accept));
  });
}

void handle_voiceping_request(context& ctx, http::request req, http::responder respond) {
  bool read = req.method == "GET" || req.method == "HEAD";
  if (!read) return respond(http::problem(errc::forbidden, "Forbidden", req.path));
  if (req.path == "/") {
    return respond(http::response::text(200, "Welcome to VoicePing Router 1.0.0 (Switchboard)",
                                        "text/plain; charset=utf-8"));
  }
  static constexpr std::string_view kFiles = "/files/audio/";
  if (!req.path.starts_with(kFiles) || req.path.size() == kFiles.size()) {
    return respond(http::problem(errc::not_found, "Not Found", req.path));
  }
  if (auto refusal = credentials_refused(ctx, req)) return respond(std::move(*refusal));
  auto creds = credentials_of(req);
  auto message_id = req.path.substr(kFiles.size());
  resolve_identity(ctx, creds.token, [&ctx, req, message_id, respond](auto result) {
    auto* id = std::get_if<vp_identity>(&result);
    if (!id) return respond(unauthorized(ctx, req, std::get<errc>(result)));
    serve_recording(ctx, req, message_id, id->who, respond);
  });
}

}  // namespace sb::api
