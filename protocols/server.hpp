#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>

#include "config/node_config.hpp"
#include "protocols/http/message.hpp"
#include "protocols/ws/connection.hpp"

namespace boost::asio {
class io_context;
}

namespace sb::protocols {

/// Accepts a WebSocket upgrade.
struct ws_accept {
  /// Builds the connection's handler once the handshake is sent; runs on the connection's
  /// strand. Typically spawns the session actor and returns the protocol adapter.
  std::function<ws::handler_ptr(ws::outbound_ptr)> attach;
  /// Echoed as Sec-WebSocket-Protocol when not empty.
  std::string subprotocol;
};

/// The answer to an upgrade request: an HTTP response (refusal) or an acceptance.
using upgrade_result = std::variant<http::response, ws_accept>;

/// Completes an upgrade request. Call exactly once, from any thread.
using upgrade_responder = std::function<void(upgrade_result)>;

/// What the server calls for traffic; both run on an I/O thread and must not block.
struct server_handlers {
  std::function<void(http::request, http::responder)> on_request;
  std::function<void(http::request, upgrade_responder)> on_upgrade;
};

/// The Beast HTTP/1.1 listener with WebSocket upgrades. Runs on the caller's io_context; each
/// connection lives on its own strand.
class server {
 public:
  server(boost::asio::io_context& ioc, const config::http_config& http, const config::ws_config& ws,
         server_handlers handlers);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// Binds and starts accepting; returns the bound port (useful with port 0). Throws
  /// std::system_error when the address cannot be bound.
  uint16_t listen(const std::string& host, uint16_t port);

  /// Stops accepting new connections; open ones continue, and HTTP responses from now on
  /// carry Connection: close.
  void stop_accepting();

  /// Starts the closing handshake on every WebSocket, after what is already queued for it.
  void close_websockets(uint16_t code, const std::string& reason);

  /// Drops every WebSocket still open, without a closing handshake.
  void abort_websockets();

  /// Open WebSocket connections.
  size_t websocket_count() const;

  struct impl;  // opaque; public so that the connection classes in server.cpp can name it

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace sb::protocols
