#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <memory>
#include <utility>
#include <vector>

#include "actors/chat/chat_sink.hpp"
#include "actors/runtime/fanout_lanes.hpp"

namespace sb {

/// A share of a conversation's member connections, read-only once built: a lane keeps the one
/// it was given while the conversation builds the next.
using sink_roster = std::shared_ptr<const std::vector<chat_sink_ptr>>;

/// Writes `d` to every connection of `roster`.
void deliver(const std::vector<chat_sink_ptr>& roster, const chat_delivery& d);

using chat_lane_state = fanout_lane_state<chat_delivery, sink_roster>;

/// A fan-out lane of a big conversation (actors/runtime/fanout_lanes.hpp): events in a row for
/// the same share of connections go to each of them in one write.
///  (fanout_atom, chat_delivery, sink_roster)
caf::behavior chat_lane(caf::stateful_actor<chat_lane_state>* self);

}  // namespace sb

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::sink_roster)
