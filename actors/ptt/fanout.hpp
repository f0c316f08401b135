#pragma once

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/runtime/fanout_lanes.hpp"
#include "protocols/ws/connection.hpp"

namespace sb {

/// The wire protocols a listener may speak; indexes `group_deps::encoders`.
enum class wire : uint8_t { native = 0, voiceping = 1 };
inline constexpr size_t kWires = 2;

/// One connection listening to a group: the group writes to `out` directly.
struct listener {
  std::string session_id;
  std::string user_id;
  ws::outbound_ptr out;
  wire protocol = wire::native;
  caf::actor session;
};

/// A share of a group's listeners, read-only once built: a lane keeps the one it was given
/// while the group builds the next.
using roster_ptr = std::shared_ptr<const std::vector<listener>>;

/// One talk event on its way out: the frame per wire protocol (null: that wire does not carry
/// it) and who gets it.
struct delivery_job {
  std::array<ws::frame_ptr, kWires> frames{};
  ws::delivery mode = ws::delivery::reliable;
  std::string user;  ///< left out, or with `only_user` the only recipient
  bool only_user = false;
  bool audio = false;  ///< counted in the audio metrics
};

/// True (and counted in sb_ptt_audio_frames_late_total) when audio sent at `sent_us` (steady_us)
/// is older than `max_lag_us`: under overload, late audio is dropped rather than queued behind.
bool is_late(int64_t sent_us, int64_t max_lag_us);

/// Writes `job` to the matching listeners of `roster`.
void deliver(const std::vector<listener>& roster, const delivery_job& job);

using ptt_lane_state = fanout_lane_state<delivery_job, roster_ptr>;

/// A fan-out lane of a big talk group (actors/runtime/fanout_lanes.hpp): the group splits its
/// listeners by session over the lanes; a batch is queued for each listener, then each
/// connection is written once.
///  (fanout_atom, delivery_job, roster_ptr)
caf::behavior ptt_lane(caf::stateful_actor<ptt_lane_state>* self);

}  // namespace sb

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::listener)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::roster_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::delivery_job)
