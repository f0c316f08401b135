#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace sb::test {

/// A WebSocket client built on Beast's client side, independent of the server's framing. A
/// background thread reads continuously into a queue (unless `reading` is false, to play a
/// client that never reads).
class ws_client {
 public:
  struct options {
    std::string target = "/ws";
    std::map<std::string, std::string> headers;
    bool reading = true;
    int receive_buffer_bytes = 0;  ///< SO_RCVBUF before connecting; 0 = system default
  };

  ws_client(uint16_t port, options opts);
  explicit ws_client(uint16_t port) : ws_client(port, options{}) {}
  ~ws_client();

  /// The subprotocol the server selected in its handshake response ("" when none).
  std::string subprotocol() const;

  void send_text(const std::string& text);
  void send_binary(const std::string& bytes);

  /// The next message, or nullopt when none arrives within `timeout` or the connection ended.
  std::optional<std::string> read(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// The next message parsed as JSON; throws on timeout.
  boost::json::value read_json(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Starts reading (for a client created with reading = false).
  void start_reading();

  /// Waits for the server to close; returns its close code, or nullopt on timeout. Messages
  /// still queued are discarded.
  std::optional<uint16_t> wait_closed(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  /// Sends a close frame with `code`.
  void close(uint16_t code = 1000);

  /// Messages received so far (including ones already read).
  size_t received_count() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace sb::test
