#include "api/websocket_endpoint.hpp"

#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cti/webhook_stream.hpp"
#include "actors/runtime/crypto.hpp"
#include "actors/session/session_actor.hpp"
#include "api/effects.hpp"
#include "api/input.hpp"
#include "protocols/http/problem.hpp"
#include "protocols/native/adapter.hpp"

namespace sb::api {

namespace {

struct ws_credentials {
  std::string api_key;
  std::string token;
  std::string subprotocol;  ///< echoed when the token came as the first subprotocol
};

ws_credentials credentials_of(const http::request& req) {
  ws_credentials c;
  c.api_key = req.query_param("api_key").value_or(std::string(req.header("x-app-api-key")));
  if (!c.api_key.empty()) return c;
  auto protocols = req.subprotocols();
  if (auto bearer = req.bearer_token(); !bearer.empty()) {
    c.token = std::string(bearer);
  } else if (auto q = req.query_param("access_token")) {
    c.token = *q;
  } else if (!protocols.empty()) {
    // Browsers cannot set headers on a WebSocket: they offer the token as a subprotocol, and
    // the server must select (echo) one of the offered entries.
    c.token = c.subprotocol = std::string(protocols[0]);
  }
  return c;
}

/// What an app's client asks of its CTI event stream: ?crm_user= narrows it to one CRM user,
/// ?since=<seq> replays what it missed first.
struct cti_options {
  std::string crm_user;
  int64_t since = -1;
};

void accept(context& ctx, principal who, const ws_credentials& creds, const cti_options& cti,
            protocols::upgrade_responder respond) {
  std::vector<std::string> tags{who.tag(), "tenant:" + who.tenant_id};
  if (!creds.api_key.empty()) tags.push_back(key_tag(crypto::sha256_hex(creds.api_key)));
  // A user's native session is one of their devices: calls to the user ring it.
  if (who.type == principal::kind::user) tags.push_back(call_device_tag(who.id));
  protocols::ws_accept accept;
  accept.subprotocol = creds.subprotocol;
  accept.attach = [&ctx, who, tags, cti](ws::outbound_ptr out) -> ws::handler_ptr {
    auto session = ctx.sys.spawn(session_actor, session_deps_for(ctx, who, tags, out));
    if (who.type == principal::kind::app) {
      // The app's webhook stream writes its events to this connection until the session ends.
      tell_entity(ctx, "webhooks:" + who.id,
                  caf::make_message(follow_atom::value,
                                    cti_follower{session, out, cti.crm_user, cti.since}),
                  true);
    }
    return std::make_shared<native::adapter>(std::move(session), std::move(out),
                                             ctx.cfg.ws.max_message_bytes, &ctx.limiter,
                                             ws_messages_per_min(ctx));
  };
  respond(std::move(accept));
}

}  // namespace

uint32_t ws_messages_per_min(const context& ctx) {
  return ctx.cfg.rate_limit.enabled ? ctx.cfg.rate_limit.ws_messages : 0;
}

session_deps session_deps_for(context& ctx, const principal& who, std::vector<std::string> tags,
                              ws::outbound_ptr out, wire protocol) {
  session_deps deps;
  deps.out = std::move(out);
  deps.who = who;
  deps.tags = std::move(tags);
  deps.store = ctx.store;
  deps.directory = ctx.directory;
  deps.node = ctx.node;
  deps.max_inflight = ctx.cfg.ws.max_inflight;
  deps.store_timeout = ctx.cfg.database.request_timeout;
  deps.protocol = protocol;
  deps.encoder = ctx.encoders[static_cast<size_t>(protocol)];
  deps.recorder = ctx.recorder;
  if (protocol == wire::native && who.type == principal::kind::user) deps.calls = ctx.calls;
  return deps;
}

void handle_upgrade(context& ctx, http::request req, protocols::upgrade_responder respond) {
  if (req.path != "/ws") {
    return respond(
        http::problem(errc::not_found, "no WebSocket endpoint at " + req.path, req.path));
  }
  if (ctx.node->draining.load()) {
    return respond(http::problem(errc::shutting_down, "the server is shutting down", req.path));
  }
  auto creds = credentials_of(req);
  cti_options cti;
  cti.crm_user = req.query_param("crm_user").value_or("");
  if (auto since = req.query_param("since")) {
    auto q = fields::from_query(req);
    auto v = q.integer("since", 0, INT64_MAX, true);
    if (!v) return respond(q.problem(req.path));
    cti.since = *v;
  }
  auto on_result = [&ctx, req, creds, cti, respond](auth_result r) {
    if (auto* who = std::get_if<principal>(&r)) return accept(ctx, *who, creds, cti, respond);
    auto code = std::get<errc>(r);
    auto problem =
        http::problem(code,
                      code == errc::unauthorized ? "a WebSocket needs an access token or an API key"
                                                 : "credentials could not be checked; retry later",
                      req.path);
    if (code == errc::unauthorized) problem.with_header("WWW-Authenticate", "Bearer");
    respond(std::move(problem));
  };
  if (!creds.api_key.empty()) return ctx.auth.api_key(creds.api_key, on_result);
  if (!creds.token.empty()) return ctx.auth.user_token(creds.token, on_result);
  on_result(errc::unauthorized);
}

}  // namespace sb::api
