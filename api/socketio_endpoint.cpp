#include "api/socketio_endpoint.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include <algorithm>
#include <mutex>

#include "actors/sio/sio_session.hpp"
#include "api/guard.hpp"
#include "api/websocket_endpoint.hpp"
#include "config/ground/error_metrics.hpp"
#include "protocols/chat/sio_chat.hpp"
#include "protocols/http/problem.hpp"
#include "protocols/ws/message_budget.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

/// What a connection keeps of its handshake for the CONNECTs still to come: the address and
/// path (failed-credential limits), the query and the Authorization header (the token), not
/// every header the browser sent.
http::request credentials_of(const http::request& req) {
  http::request kept;
  kept.path = req.path;
  kept.query = req.query;
  kept.remote_address = req.remote_address;
  if (auto auth = req.header("authorization"); !auth.empty()) {
    kept.headers.emplace_back("authorization", std::string(auth));
  }
  return kept;
}

/// One client's Socket.IO traffic, between the connection and its session actor.
class gateway_app final : public socketio::application,
                          public std::enable_shared_from_this<gateway_app> {
 public:
  gateway_app(context& ctx, std::shared_ptr<socketio::connection> conn,
              const http::request& handshake)
      : ctx_(ctx), conn_(conn), handshake_(credentials_of(handshake)) {}

  void on_connect(const std::string& nsp, json::object auth) override {
    auto conn = conn_.lock();
    if (!conn) return;
    if (nsp != "/") return conn->reject(nsp, "Invalid namespace");
    if (ctx_.node->draining.load()) return conn->reject(nsp, "the server is shutting down");
    if (credentials_refused(ctx_, handshake_)) {
      return reject(*conn, nsp, errc::too_many_requests,
                    "too many failed credentials; retry later");
    }
    auto token = token_of(auth);
    if (token.empty()) {
      return reject(*conn, nsp, errc::unauthorized,
                    "send an access token: auth.token, Authorization: Bearer or ?token=");
    }
    // The seed's call signaling runs here: a Matrix user's token is taken too.
    authenticate_user_token(ctx_, token, true, [self = shared_from_this(), nsp](auth_result r) {
      self->authenticated(nsp, std::move(r));
    });
  }

  void on_event(socketio::incoming ev) override {
    std::lock_guard lock(mutex_);
    if (!session_) return;
    // The same per-connection and per-user budgets as the native protocol's messages.
    if (auto d = budget_.hit(); !d.allowed) {
      count_error(errc::too_many_requests);
      auto why = fmt::format("more than {} events per minute; retry in {} s", d.limit, d.reset_s);
      if (auto conn = conn_.lock(); conn && ev.id) {
        conn->ack(ev.nsp, *ev.id, chat::sio::ack_error(errc::too_many_requests, why));
      } else if (conn) {
        conn->emit(ev.nsp, json::array{"chat:error", json::object{{"code", "too_many_requests"},
                                                                  {"message", why}}});
      }
      return;
    }
    caf::anon_send(session_, sio_event_atom::value, std::move(ev));
  }

  void on_ack(socketio::incoming) override {}  // the server asks for no acks

  void on_disconnect(const std::string&, std::string_view) override {
    std::lock_guard lock(mutex_);
    closed_ = true;
    if (session_) caf::anon_send(session_, closed_atom::value, uint16_t{1000});
    session_ = {};
    slot_.reset();
  }

 private:
  std::string token_of(const json::object& auth) const {
    if (const auto* t = auth.if_contains("token"); t && t->is_string()) {
      return std::string(t->as_string());
    }
    if (auto bearer = handshake_.bearer_token(); !bearer.empty()) return std::string(bearer);
    return handshake_.query_param("token").value_or("");
  }

  static void reject(socketio::connection& conn, const std::string& nsp, errc code,
                     std::string_view message) {
    conn.reject(nsp, message, json::object{{"code", code_string(code)}});
  }

  void authenticated(const std::string& nsp, auth_result r) {
    auto conn = conn_.lock();
    if (!conn) return;
    const auto* who = std::get_if<principal>(&r);
    if (!who || who->type != principal::kind::user) {
      auto code = who ? errc::unauthorized : std::get<errc>(r);
      if (code == errc::unauthorized) count_failed_credentials(ctx_, handshake_);
      return reject(*conn, nsp, code,
                    code == errc::unauthorized ? "the access token is not valid"
                                               : "credentials could not be checked; retry later");
    }
    auto slot = connection_slot(ctx_, *who);
    if (!slot) {
      return reject(*conn, nsp, errc::too_many_requests,
                    "this account holds the most connections it may");
    }
    std::lock_guard lock(mutex_);
    if (closed_) return;
    // The CONNECT answer goes first: the session writes to the client from its start (the
    // presence of its contacts), and a client drops events for a namespace it has not joined.
    conn->accept(nsp);
    // A user's Socket.IO connection is one of their devices: calls to the user ring it.
    sio_session_deps deps{
        conn,      nsp,
        *who,      {who->tag(), "tenant:" + who->tenant_id, call_device_tag(who->id)},
        ctx_.chat, ctx_.calls};
    session_ = caf::actor_cast<caf::actor>(ctx_.sys.spawn(sio_session_impl, std::move(deps)));
    const auto& limits = ctx_.cfg.rate_limit;
    if (limits.enabled) {
      budget_ = ws::message_budget(&ctx_.limiter, "sio-" + std::string(conn->id()),
                                   limits.ws_messages, who->tag(), limits.ws_user_messages);
    }
    slot_ = std::move(slot);
  }

  context& ctx_;
  std::weak_ptr<socketio::connection> conn_;
  http::request handshake_;  ///< credentials_of the handshake
  std::mutex mutex_;
  caf::actor session_;
  std::shared_ptr<void> slot_;  ///< the user's connection quota, held while connected
  ws::message_budget budget_;   ///< events per minute (rate_limit.ws_*_messages_per_min)
  bool closed_ = false;
};

engineio::options engine_options(const config::node_config& cfg) {
  engineio::options o;
  o.path = "/socket.io/";
  o.ping_interval = cfg.socketio.ping_interval;
  o.ping_timeout = cfg.socketio.ping_timeout;
  // What a client may send in one message, by either transport.
  o.max_payload = std::min(cfg.socketio.max_http_buffer_size, cfg.ws.max_message_bytes);
  o.max_buffered_bytes = cfg.socketio.max_buffered_bytes;
  o.max_sessions = cfg.socketio.max_sessions;
  return o;
}

}  // namespace

socketio_gateway::socketio_gateway(context& ctx, boost::asio::io_context& ioc) : ctx_(ctx) {
  options_.connect_timeout = ctx.cfg.socketio.connect_timeout;
  engine_ = std::make_unique<engineio::server>(
      ioc, engine_options(ctx.cfg),
      socketio::serve(ioc, options_,
                      [&ctx](std::shared_ptr<socketio::connection> conn, const http::request& req) {
                        return std::make_shared<gateway_app>(ctx, std::move(conn), req);
                      }));
}

void socketio_gateway::on_request(const http::request& req, http::responder respond) {
  if (ctx_.node->draining.load() && !req.query_param("sid")) {
    return respond(http::problem(errc::shutting_down, "the server is shutting down", req.path));
  }
  engine_->on_request(req, std::move(respond));
}

void socketio_gateway::on_upgrade(const http::request& req, protocols::upgrade_responder respond) {
  if (ctx_.node->draining.load()) {
    return respond(http::problem(errc::shutting_down, "the server is shutting down", req.path));
  }
  engine_->on_upgrade(req, std::move(respond));
}

}  // namespace sb::api
