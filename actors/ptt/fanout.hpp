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
#include "actors/runtime/shared_bytes.hpp"
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

/// A talk group's listener on another cluster member: the group sends that member's relay one
/// message per event (the relay writes it to its own connections); `session_id` is qualified
/// with the member's name, so it is unique in the cluster.
struct remote_listener {
  std::string session_id;
  std::string user_id;
  wire protocol = wire::native;
  caf::actor relay;
};

/// A delivery_job as it crosses to a relay: the frames by wire (empty: not carried), the
/// delivery mode and the recipients' rule. Registered as "sb.relay_frames".
struct relay_frames {
  std::vector<shared_bytes> frames;
  uint8_t mode = 0;
  std::string user;
  bool only_user = false;
  bool audio = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_frames& x) {
  return f(caf::meta::type_name("relay_frames"), x.frames, x.mode, x.user, x.only_user, x.audio);
}

relay_frames to_relay(const delivery_job& job);
delivery_job from_relay(const relay_frames& frames);

/// True (and counted in sb_ptt_audio_frames_late_total) when audio sent at `sent_us` (steady_us)
/// is older than `max_lag_us`: under overload, late audio is dropped rather than queued behind.
/// 0 is "fresh": a relay checked the age on its member, whose clock is its own.
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
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::remote_listener)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::roster_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::delivery_job)
