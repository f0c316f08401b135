#pragma once

#include <memory>

#include "api/context.hpp"
#include "protocols/engineio/server.hpp"
#include "protocols/server.hpp"
#include "protocols/socketio/connection.hpp"

namespace boost::asio {
class io_context;
}

namespace sb::api {

/// The Socket.IO gateway on /socket.io/ (docs/protocol.md, "Socket.IO"): Engine.IO v4 over
/// long-polling and WebSocket (socketio.* settings), the main namespace only, authenticated by
/// the CONNECT packet's `auth.token`, the handshake's `Authorization: Bearer` or its `token`
/// query parameter. Each connection of a user is a Socket.IO session actor (actors/sio).
class socketio_gateway {
 public:
  socketio_gateway(context& ctx, boost::asio::io_context& ioc);

  bool handles(std::string_view path) const { return engine_->handles(path); }
  void on_request(const http::request& req, http::responder respond);
  void on_upgrade(const http::request& req, protocols::upgrade_responder respond);
  size_t session_count() const { return engine_->session_count(); }

 private:
  context& ctx_;
  socketio::options options_;
  std::unique_ptr<engineio::server> engine_;
};

}  // namespace sb::api
