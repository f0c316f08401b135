#include "api/websocket_endpoint.hpp"

#include <fmt/format.h>
#include <caf/actor_system.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/cti/webhook_stream.hpp"
#include "actors/session/native_adapter.hpp"
#include "actors/session/session_actor.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/input.hpp"
#include "config/ground/crypto.hpp"
#include "protocols/http/problem.hpp"

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

/// A connection's handler that also holds its slot in the principal's connection quota.
class slot_holder final : public ws::handler {
 public:
  slot_holder(ws::handler_ptr inner, std::shared_ptr<void> slot)
      : inner_(std::move(inner)), slot_(std::move(slot)) {}
  void on_message(ws::opcode op, std::string payload) override {
    inner_->on_message(op, std::move(payload));
  }
  void on_oversized(ws::opcode op, uint64_t size) override { inner_->on_oversized(op, size); }
  void on_closed(uint16_t code) override {
    inner_->on_closed(code);
    slot_.reset();
  }

 private:
  ws::handler_ptr inner_;
  std::shared_ptr<void> slot_;
};

void accept(context& ctx, const http::request& req, principal who, const ws_credentials& creds,
            const cti_options& cti, protocols::upgrade_responder respond) {
  auto slot = connection_slot(ctx, who);
  if (!slot) return respond(too_many_connections(ctx, who, req));
  std::vector<std::string> tags{who.tag(), "tenant:" + who.tenant_id};
  if (!creds.api_key.empty()) tags.push_back(key_tag(crypto::sha256_hex(creds.api_key)));
  // A user's native session is one of their devices: calls to the user ring it.
  if (who.type == principal::kind::user) tags.push_back(call_device_tag(who.id));
  protocols::ws_accept accept;
  accept.subprotocol = creds.subprotocol;
  accept.attach = [&ctx, who, tags, cti, slot](ws::outbound_ptr out) -> ws::handler_ptr {
    auto session = ctx.sys.spawn(session_impl, session_deps_for(ctx, who, tags, out));
    if (who.type == principal::kind::app) {
      // The app's webhook stream writes its events to this connection until the session ends.
      tell_entity(
          ctx, "webhooks:" + who.id,
          caf::make_message(follow_atom::value, cti_follower{caf::actor_cast<caf::actor>(session),
                                                             out, cti.crm_user, cti.since}),
          true);
    }
    auto budget = message_budget_for(ctx, who, *out);
    return holding_slot(
        std::make_shared<native::adapter>(std::move(session), std::move(out),
                                          ctx.cfg.ws.max_message_bytes, std::move(budget)),
        slot);
  };
  respond(std::move(accept));
}

}  // namespace

ws::message_budget message_budget_for(context& ctx, const principal& who, const ws::outbound& out) {
  const auto& r = ctx.cfg.rate_limit;
  if (!r.enabled) return {};
  return ws::message_budget(&ctx.limiter, std::string(out.id()), r.ws_messages, who.tag(),
                            r.ws_user_messages);
}

std::shared_ptr<void> connection_slot(context& ctx, const principal& who) {
  const auto& w = ctx.cfg.ws;
  auto limit =
      who.type == principal::kind::app ? w.max_connections_per_app : w.max_connections_per_user;
  return ctx.connections.acquire(who.tag(), limit);
}

http::response too_many_connections(const context& ctx, const principal& who,
                                    const http::request& req) {
  const auto& w = ctx.cfg.ws;
  auto limit =
      who.type == principal::kind::app ? w.max_connections_per_app : w.max_connections_per_user;
  auto r = http::problem(
      errc::too_many_requests,
      fmt::format("{} open WebSocket connections is the most one account may hold", limit),
      req.path);
  r.set_header("Retry-After", "5");
  return r;
}

ws::handler_ptr holding_slot(ws::handler_ptr inner, std::shared_ptr<void> slot) {
  return std::make_shared<slot_holder>(std::move(inner), std::move(slot));
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
  deps.request_timeout = ctx.cfg.database.request_timeout;
  deps.protocol = protocol;
  deps.encoder = ctx.encoders[static_cast<size_t>(protocol)];
  deps.recorder = ctx.recorder;
  if (protocol == wire::native && who.type == principal::kind::user) {
    deps.calls = ctx.calls;
    deps.chat = ctx.chat;
  }
  if (protocol == wire::voiceping) deps.voiceping = ctx.voiceping;
  deps.cluster = ctx.membership;
  const auto& p = ctx.cfg.ptt;
  deps.audio = {p.max_audio_frame_bytes, p.max_audio_bytes_per_s, p.max_burst_bytes};
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
  if (auto refusal = credentials_refused(ctx, req)) return respond(std::move(*refusal));
  auto on_result = [&ctx, req, creds, cti, respond](auth_result r) {
    if (auto* who = std::get_if<principal>(&r)) {
      return accept(ctx, req, *who, creds, cti, respond);
    }
    auto code = std::get<errc>(r);
    if (code == errc::unauthorized) count_failed_credentials(ctx, req);
    auto problem =
        http::problem(code,
                      code == errc::unauthorized ? "a WebSocket needs an access token or an API key"
                                                 : "credentials could not be checked; retry later",
                      req.path);
    if (code == errc::unauthorized) problem.with_header("WWW-Authenticate", "Bearer");
    respond(std::move(problem));
  };
  if (!creds.api_key.empty()) return ctx.auth.api_key(creds.api_key, on_result);
  // Call signaling is one of the call endpoints: a Matrix user's token is taken here too.
  if (!creds.token.empty()) return authenticate_user_token(ctx, creds.token, true, on_result);
  on_result(errc::unauthorized);
}

}  // namespace sb::api
