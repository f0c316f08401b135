#pragma once

#include <functional>
#include <memory>

#include "protocols/engineio/socket.hpp"
#include "protocols/http/message.hpp"
#include "protocols/server.hpp"

namespace boost::asio {
class io_context;
}

namespace sb::engineio {

/// Builds the handler of a new session from its outbound side and the handshake request
/// (query, headers and address, for authentication). Runs on an I/O thread.
using open_handler = std::function<handler_ptr(socket_ptr, const http::request&)>;

/// An Engine.IO v4 endpoint: the handshake, both transports (HTTP long-polling and WebSocket)
/// and the upgrade between them, over the node's HTTP server. The caller routes requests for
/// `handles()` paths here.
class server {
 public:
  server(boost::asio::io_context& ioc, options opts, open_handler on_open);
  ~server();
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  /// True for the endpoint's path, with or without its trailing slash.
  bool handles(std::string_view path) const;

  /// A plain HTTP request: the polling handshake, a poll (GET) or a payload (POST).
  void on_request(const http::request& req, http::responder respond);

  /// A WebSocket upgrade: a WebSocket-only session, or the upgrade of a polling one.
  void on_upgrade(const http::request& req, protocols::upgrade_responder respond);

  /// Open sessions.
  size_t session_count() const;

  const options& settings() const;

  struct registry;

 private:
  boost::asio::io_context& ioc_;
  std::unique_ptr<const options> opts_;
  open_handler on_open_;
  std::shared_ptr<registry> sessions_;
};

}  // namespace sb::engineio
