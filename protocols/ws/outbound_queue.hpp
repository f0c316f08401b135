#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "protocols/ws/frame.hpp"

namespace sb::ws {

/// How a frame behaves when its recipient is slow.
enum class delivery {
  reliable,   ///< must arrive; if it cannot be queued the client is closed as too slow
  droppable,  ///< may be skipped (live audio) once the queue holds more than the soft limit
};

/// The byte-bounded outbound queue of one connection (not thread-safe: the connection guards
/// it). Bytes count from push until the write that carried them completes.
class outbound_queue {
 public:
  outbound_queue(uint64_t hard_limit, uint64_t droppable_limit)
      : hard_limit_(hard_limit), droppable_limit_(droppable_limit) {}

  enum class push_result { queued, dropped, overflow };

  /// Queues `frame` unless it would break a limit: a droppable frame above the soft limit is
  /// `dropped`; any frame above the hard limit is `overflow` (the caller closes the client).
  push_result push(frame_ptr frame, delivery d);

  /// Queues a control frame (ping, close, the handshake response) regardless of limits. A
  /// `pinned` frame survives `clear` until it is taken: the handshake response must precede
  /// the close frame of a connection closed before its first write.
  void push_control(frame_ptr frame, bool pinned = false);

  /// Queues a pong, replacing one that is still waiting: RFC 6455 §5.5.3 lets an endpoint
  /// answer only the latest ping, so a client that floods pings and never reads holds one
  /// pong of server memory, not one per ping.
  void push_pong(frame_ptr frame);

  /// Moves everything queued into `out` (appending); it stays counted until `written`.
  void take_all(std::vector<frame_ptr>& out);

  /// A write of `bytes` completed.
  void written(uint64_t bytes) { bytes_ -= bytes < bytes_ ? bytes : bytes_; }

  /// Drops everything not yet taken but pinned frames.
  void clear();

  bool empty() const noexcept { return frames_.empty(); }
  uint64_t bytes() const noexcept { return bytes_; }

 private:
  uint64_t hard_limit_;
  uint64_t droppable_limit_;
  uint64_t bytes_ = 0;
  std::deque<frame_ptr> frames_;
  std::optional<size_t> pending_pong_;  ///< index in frames_ of a pong not yet taken
  size_t pinned_ = 0;                   ///< frames at the front that clear() keeps
};

}  // namespace sb::ws
