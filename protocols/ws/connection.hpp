#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "protocols/ws/frame.hpp"
#include "protocols/ws/outbound_queue.hpp"

namespace sb::ws {

/// The thread-safe outbound side of one WebSocket connection. Actors hold it and write to it
/// directly ("actors decide, connections write"); the connection drains its queue with one
/// gather write per turn.
class outbound {
 public:
  virtual ~outbound() = default;

  /// Queues a complete frame (see frame.hpp). Returns false when the frame was dropped: the
  /// connection is closing, a droppable frame met a full queue, or a reliable frame overflowed
  /// the budget (the client is then closed with 4001 slow_consumer).
  virtual bool send(frame_ptr frame, delivery d = delivery::reliable) = 0;

  /// Queues like `send` but leaves the writing to `flush`: a fan-out that is behind queues a
  /// batch of frames for each connection, then writes each connection once.
  virtual bool queue(frame_ptr frame, delivery d) = 0;

  /// Writes what `queue` left, unless a write is already under way.
  virtual void flush() = 0;

  /// Starts the closing handshake after what is already queued.
  virtual void close(uint16_t code, std::string reason) = 0;

  /// Process-unique connection id, e.g. "ws-42".
  virtual std::string_view id() const = 0;
};

using outbound_ptr = std::shared_ptr<outbound>;

/// Receives one connection's inbound traffic, in order, on the connection's strand. A protocol
/// adapter implements it: decode, then hand typed messages to the session actor.
class handler {
 public:
  virtual ~handler() = default;

  /// A complete text or binary message (text is valid UTF-8).
  virtual void on_message(opcode op, std::string payload) = 0;

  /// A message larger than ws.max_message_bytes arrived and was discarded.
  virtual void on_oversized(opcode op, uint64_t size) = 0;

  /// The connection is gone; called exactly once. `code` is the close code sent or received,
  /// 1006 when the TCP connection dropped without one.
  virtual void on_closed(uint16_t code) = 0;
};

using handler_ptr = std::shared_ptr<handler>;

}  // namespace sb::ws
