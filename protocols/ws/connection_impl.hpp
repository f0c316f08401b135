#pragma once

// Private to protocols/: the Asio implementation of a WebSocket connection.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

#include "config/node_config.hpp"
#include "protocols/ws/connection.hpp"
#include "protocols/ws/connection_registry.hpp"
#include "protocols/ws/message_reader.hpp"
#include "protocols/ws/outbound_queue.hpp"

namespace sb::ws {

/// One WebSocket connection after the HTTP upgrade. Framing is our own (message_reader and
/// encode_frame) rather than beast::websocket::stream, so that every outbound byte (data,
/// pongs, pings, close) goes through one queue and leaves in one gather write per turn; see
/// docs/architecture.md. Everything but `send` and `close` runs on the socket's strand; `send`
/// writes at once, on the sender's thread, when nothing else is queued or being written.
class connection final : public outbound, public std::enable_shared_from_this<connection> {
 public:
  using attach_fn = std::function<handler_ptr(outbound_ptr)>;

  /// `address_slot`: the client address's connection slot (protocols/server.cpp), released
  /// with the connection.
  connection(boost::asio::ip::tcp::socket socket, const config::ws_config& cfg,
             std::shared_ptr<connection_registry> registry, std::shared_ptr<void> address_slot);
  ~connection() override;

  /// Queues the handshake response, attaches the handler and starts reading, beginning with
  /// `leftover` (bytes the HTTP parser read past the upgrade request).
  void start(std::string handshake_response, std::string leftover, attach_fn attach);

  bool send(frame_ptr frame, delivery d) override;
  bool queue(frame_ptr frame, delivery d) override;
  void flush() override;
  void close(uint16_t code, std::string reason) override;

  /// Drops the TCP connection without a closing handshake (end of a graceful shutdown, for
  /// clients that did not answer the close frame).
  void abort();
  std::string_view id() const override { return id_; }

 private:
  void begin_close(uint16_t code, std::string_view reason, bool discard_queued);
  /// Queues a control frame outside the budget; a `pong` replaces one still waiting.
  void push_control(frame_ptr frame, bool pong = false);
  /// Counts a ping or pong from the peer; over ws.control_frames_per_min, closes with 1008.
  bool control_frame_allowed();
  void schedule_write_locked(bool& kick);
  /// Queues `frame`; with `write`, also writes if nothing else is (see write_through_locked).
  bool push(frame_ptr frame, delivery d, bool write);
  /// With no write under way: takes the write (write_active_) and writes what is queued from
  /// the calling thread, under mutex_ (so the socket cannot be closed meanwhile), sparing the
  /// strand a handler and a wake-up per frame. False when all of it went out (the write is
  /// over); true when the rest, left in writing_, needs do_write: the caller posts it.
  bool write_through_locked();
  void post_write();
  void do_write();
  void on_write(boost::system::error_code ec, size_t bytes);
  void do_read();
  void read_available();
  void process(std::string_view bytes);
  void arm_timer();
  void on_timer();
  void terminate(uint16_t code);

  std::shared_ptr<void> address_slot_;  ///< declared first: released after the socket closed
  boost::asio::ip::tcp::socket socket_;
  config::ws_config cfg_;
  std::shared_ptr<connection_registry> registry_;
  uint64_t serial_;
  std::string id_;

  // Owned by whoever set write_active_: the strand, or a sender writing directly.
  std::vector<frame_ptr> writing_;
  size_t write_offset_ = 0;  ///< bytes of writing_ already sent

  // Strand only.
  message_reader reader_;
  std::vector<inbound_event> events_;
  boost::asio::steady_timer keepalive_timer_;
  boost::asio::steady_timer close_timer_;
  std::chrono::steady_clock::time_point last_rx_;
  std::chrono::steady_clock::time_point next_ping_;
  std::chrono::steady_clock::time_point control_window_start_;
  uint32_t control_frames_ = 0;
  handler_ptr handler_;
  std::vector<boost::asio::const_buffer> buffers_;
  bool close_sent_ = false;
  bool peer_closed_ = false;
  bool terminated_ = false;

  // Guarded by mutex_: touched by any thread through send() and close().
  std::mutex mutex_;
  outbound_queue queue_;
  bool write_active_ = false;
  bool closing_ = false;  ///< our close frame is queued: nothing more may be
  const std::string* close_frame_ = nullptr;
  uint16_t close_code_ = 0;
};

}  // namespace sb::ws
