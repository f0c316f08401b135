#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "config/domain/ptt/talk_event.hpp"
#include "protocols/ws/frame.hpp"
#include "protocols/ws/outbound_queue.hpp"

namespace sb::ptt {

/// Turns talk events into complete WebSocket frames for one wire protocol. Stateless and
/// thread-safe. May return nullptr for events the protocol has no frame for.
class encoder {
 public:
  virtual ~encoder() = default;
  virtual ws::frame_ptr encode(const talk_event& e) const = 0;
  /// Audio frames may be dropped for a slow listener; everything else is reliable.
  static ws::delivery delivery_of(const talk_event& e) {
    return e.what == talk_event::kind::audio ? ws::delivery::droppable : ws::delivery::reliable;
  }
};

}  // namespace sb::ptt
