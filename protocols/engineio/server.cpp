#include "protocols/engineio/server.hpp"

#include <mutex>
#include <unordered_map>

#include "config/ground/crypto.hpp"
#include "protocols/engineio/responses.hpp"
#include "protocols/engineio/session.hpp"

namespace sb::engineio {

struct server::registry {
  mutable std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<session>> by_sid;

  std::shared_ptr<session> find(const std::string& sid) const {
    std::lock_guard lock(mutex);
    auto it = by_sid.find(sid);
    return it == by_sid.end() ? nullptr : it->second;
  }
};

namespace {

/// What the query says about the request, or the error it deserves.
struct handshake_query {
  std::string transport;
  std::optional<std::string> sid;
};

std::variant<handshake_query, error_code> read_query(const http::request& req) {
  if (req.query_param("EIO") != "4") return error_code::unsupported_protocol_version;
  auto transport = req.query_param("transport");
  if (transport != "polling" && transport != "websocket") return error_code::unknown_transport;
  return handshake_query{*transport, req.query_param("sid")};
}

}  // namespace

server::server(boost::asio::io_context& ioc, options opts, open_handler on_open)
    : ioc_(ioc),
      opts_(std::make_unique<const options>(std::move(opts))),
      on_open_(std::move(on_open)),
      sessions_(std::make_shared<registry>()) {}

server::~server() {
  std::lock_guard lock(sessions_->mutex);
  for (auto& [sid, s] : sessions_->by_sid) s->close();
}

bool server::handles(std::string_view path) const {
  std::string_view base = opts_->path;
  if (path == base) return true;
  return !base.empty() && base.back() == '/' && path == base.substr(0, base.size() - 1);
}

const options& server::settings() const {
  return *opts_;
}

size_t server::session_count() const {
  std::lock_guard lock(sessions_->mutex);
  return sessions_->by_sid.size();
}

namespace {

std::shared_ptr<session> make_session(boost::asio::io_context& ioc, const options& opts,
                                      const std::shared_ptr<server::registry>& sessions) {
  auto sid = crypto::base64url_encode(crypto::random_bytes(15));
  std::weak_ptr<server::registry> weak = sessions;
  auto s = std::make_shared<session>(ioc, opts, sid, [weak](const std::string& gone) {
    if (auto r = weak.lock()) {
      std::lock_guard lock(r->mutex);
      r->by_sid.erase(gone);
    }
  });
  std::lock_guard lock(sessions->mutex);
  if (sessions->by_sid.size() >= opts.max_sessions) return nullptr;
  sessions->by_sid.emplace(sid, s);
  return s;
}

}  // namespace

void server::on_request(const http::request& req, http::responder respond) {
  auto query = read_query(req);
  if (auto* error = std::get_if<error_code>(&query)) return respond(error_response(*error));
  auto& q = std::get<handshake_query>(query);
  if (!q.sid) {
    if (req.method != "GET") return respond(error_response(error_code::bad_handshake_method));
    if (q.transport != "polling") return respond(error_response(error_code::bad_request));
    auto s = make_session(ioc_, *opts_, sessions_);
    if (!s) return respond(http::response::text(503, "too many sessions", "text/plain"));
    s->start(on_open_(s, req));
    return respond(payload_response("0" + s->open_json(true)));
  }
  auto s = sessions_->find(*q.sid);
  if (!s) return respond(error_response(error_code::unknown_sid));
  if (q.transport != "polling") return respond(error_response(error_code::bad_request));
  if (req.method == "GET") return s->poll(std::move(respond));
  if (req.method == "POST") return s->post(req.body, std::move(respond));
  respond(error_response(error_code::bad_request));
}

void server::on_upgrade(const http::request& req, protocols::upgrade_responder respond) {
  auto query = read_query(req);
  if (auto* error = std::get_if<error_code>(&query)) return respond(error_response(*error));
  auto& q = std::get<handshake_query>(query);
  if (q.transport != "websocket") return respond(error_response(error_code::bad_request));
  if (q.sid) {
    auto s = sessions_->find(*q.sid);
    if (!s) return respond(error_response(error_code::unknown_sid));
    return respond(protocols::ws_accept{
        [s](ws::outbound_ptr out) { return s->attach_websocket(std::move(out), true); }, ""});
  }
  if (session_count() >= opts_->max_sessions) {
    return respond(http::response::text(503, "too many sessions", "text/plain"));
  }
  // The session is made once the handshake has gone out, so that a failed one leaves none.
  respond(protocols::ws_accept{[this, req](ws::outbound_ptr out) {
                                 auto s = make_session(ioc_, *opts_, sessions_);
                                 if (!s) return refuse_websocket(std::move(out));
                                 auto link = s->attach_websocket(std::move(out), false);
                                 s->start(on_open_(s, req));
                                 return link;
                               },
                               ""});
}

}  // namespace sb::engineio
