#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "protocols/engineio/packet.hpp"
#include "protocols/engineio/socket.hpp"
#include "protocols/http/message.hpp"
#include "protocols/ws/connection.hpp"

namespace sb::engineio {

/// One Engine.IO session: its transport (polling, or a WebSocket after the upgrade), the
/// messages queued for the next poll, the heartbeat and the close. Every method is
/// thread-safe; the handler above is called outside the lock, one message at a time.
class session final : public socket, public std::enable_shared_from_this<session> {
 public:
  session(boost::asio::io_context& ioc, const options& opts, std::string sid,
          std::function<void(const std::string&)> on_gone);

  /// Starts the heartbeat; `h` receives what the client sends from now on.
  void start(handler_ptr h);

  /// The open packet's JSON for this session: `upgrades` lists "websocket" on polling only.
  std::string open_json(bool polling) const;

  /// A polling GET: answered at once with what is queued, or held until something is.
  void poll(http::responder respond);
  /// A polling POST carrying a payload.
  void post(std::string_view body, http::responder respond);
  /// A WebSocket for this session: the transport of a WebSocket-only session, or the
  /// candidate of an upgrade. Returns the connection's handler; a WebSocket the session
  /// cannot take (already upgraded, upgrading, closed) is closed at once.
  ws::handler_ptr attach_websocket(ws::outbound_ptr out, bool upgrade);

  using socket::send;
  bool send(const std::vector<message_ptr>& messages) override;
  void close() override;
  std::string_view id() const override { return sid_; }

  /// What a WebSocket of this session received (called by its connection handler).
  void on_ws_message(const ws::outbound_ptr& from, ws::opcode op, std::string payload);
  void on_ws_closed(const ws::outbound_ptr& from);

 private:
  enum class state { open, closing, closed };

  /// The queued messages as one polling payload; empties the queue.
  std::string take_queued();
  void deliver(std::vector<packet> packets);
  void on_packet(packet p, std::vector<packet>& messages);
  void arm_timer(std::chrono::milliseconds after);
  void on_timer(uint64_t generation);
  void heard_pong();
  /// The client sent "1".
  void client_closed();
  /// Ends the session: a held poll gets `last` (after what is queued when `flush`), the
  /// WebSocket is closed, the server forgets the sid (unless not `forget`) and the handler
  /// hears `reason`.
  void finish(std::string_view reason, std::string_view last, bool flush = true,
              bool forget = true);

  boost::asio::io_context& ioc_;
  const options opts_;  // a copy: the session may outlive its server by a posted close
  const std::string sid_;
  std::function<void(const std::string&)> on_gone_;

  mutable std::mutex mutex_;
  state state_ = state::open;
  bool upgraded_ = false;  ///< the WebSocket is the transport
  bool probed_ = false;    ///< "3probe" sent: polls are answered "6" at once
  bool posting_ = false;   ///< a POST is being read (two at once close the session)
  ws::outbound_ptr ws_;    ///< the WebSocket transport, or the upgrade's candidate
  std::optional<http::responder> held_poll_;
  std::deque<message_ptr> queued_;  ///< for the next poll (or the WebSocket, after the upgrade)
  uint64_t queued_bytes_ = 0;
  boost::asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;
  bool awaiting_pong_ = false;
  bool noop_owed_ = false;  ///< closed by the client with no poll held: the next poll gets "6"
  handler_ptr handler_;

  std::mutex deliver_mutex_;  ///< one message at a time to the handler
};

/// Closes a WebSocket no session takes (over the session limit); returns an inert handler.
ws::handler_ptr refuse_websocket(ws::outbound_ptr out);

}  // namespace sb::engineio
