#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocols/ws/frame.hpp"

namespace sb::engineio {

/// Settings of an Engine.IO endpoint (the names of the Node server's options in brackets).
struct options {
  std::string path = "/socket.io/";                 ///< [path], with the trailing slash
  std::chrono::milliseconds ping_interval{25'000};  ///< [pingInterval] server ping period
  std::chrono::milliseconds ping_timeout{20'000};   ///< [pingTimeout] wait for the pong
  uint64_t max_payload = 1'000'000;                 ///< [maxHttpBufferSize] one POST or message
  uint64_t max_buffered_bytes = 1024 * 1024;        ///< queued for a poll; over → closed
  uint64_t max_sessions = 100'000;                  ///< open sessions; over → 503
};

/// A message packet encoded once for both transports, shared by every recipient of a fan-out.
struct message {
  std::string polling;  ///< as it stands in a polling payload: "4…" or "b" + base64
  ws::frame_ptr frame;  ///< the WebSocket frame: text "4…" or the binary bytes

  static std::shared_ptr<const message> text(std::string_view data);
  static std::shared_ptr<const message> binary(std::string_view bytes);
};
using message_ptr = std::shared_ptr<const message>;

/// The outbound side of one Engine.IO session, for the layer above (Socket.IO). Thread-safe.
class socket {
 public:
  virtual ~socket() = default;

  /// Queues messages, in order and with nothing between them (a Socket.IO binary event and
  /// its attachments). False when the session is closed or over its buffer (then closed).
  virtual bool send(const std::vector<message_ptr>& messages) = 0;
  bool send(message_ptr m) { return send(std::vector<message_ptr>{std::move(m)}); }

  /// Closes the session after what is queued (a poll gets the rest and then "1").
  virtual void close() = 0;

  /// The session id (the handshake's `sid`).
  virtual std::string_view id() const = 0;
};
using socket_ptr = std::shared_ptr<socket>;

/// Receives one session's inbound messages, one at a time and in order, on an I/O thread.
class handler {
 public:
  virtual ~handler() = default;
  virtual void on_message(std::string data, bool binary) = 0;
  /// The session is over (closed by either side, timed out or broken); called exactly once.
  virtual void on_closed(std::string_view reason) = 0;
};
using handler_ptr = std::shared_ptr<handler>;

}  // namespace sb::engineio
