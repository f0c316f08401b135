#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "actors/ptt/fanout.hpp"
#include "actors/ptt/ptt_atoms.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"
#include "protocols/ptt/encoder.hpp"
#include "protocols/ws/connection.hpp"

namespace sb {

/// What every talk group needs from its node.
struct group_deps {
  persistence::store_client store;
  caf::actor recorder;
  config::ptt_config cfg;
  std::array<const ptt::encoder*, kWires> encoders{};
};

/// A request for the floor of one group.
struct floor_request {
  std::string session_id;
  std::string user_id;
  bool dispatcher = false;
  bool emergency = false;  ///< pre-empts anyone, needs no membership (the session checked)
  std::string start_raw;   ///< VoicePing START payload, see ptt::talk_event
};

/// Outcome of a floor request.
enum class floor_answer : uint8_t { granted = 0, busy = 1, not_member = 2 };

struct talk_group_state {
  talk_group_state() = default;  // not an aggregate (docs/architecture.md)

  struct floor_state {
    std::string user_id;
    std::string session_id;
    bool dispatcher = false;
    bool emergency = false;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last_audio;
    int64_t started_ms = 0;  ///< epoch milliseconds, for message ids and traffic
    int64_t last_audio_ms = 0;
    uint64_t burst = 0;  ///< identifies the burst for its timers and its recording
  };

  group_deps deps;
  std::string channel_id;
  std::string tenant_id;
  std::string event_id;
  std::unordered_set<std::string> members;  ///< users who may hear and talk
  std::vector<listener> listeners;
  std::vector<caf::actor> lanes;  ///< fan-out lanes, once the group is big (fanout.hpp)
  // Derived from `listeners` when they change (refresh_rosters in talk_group.cpp):
  std::array<bool, kWires> wires_in_use{};  ///< protocols some listener speaks
  std::vector<roster_ptr> lane_rosters;     ///< each lane's share of `listeners`
  bool rosters_stale = true;                ///< listeners changed since then
  std::optional<floor_state> floor;
  uint64_t bursts = 0;
  int64_t last_audio_ms = 0;  ///< of any burst, for the traffic view
  std::string last_talker;
  int64_t last_text_ms = 0;  ///< keeps text message ids unique
  uint64_t idle_generation = 0;
  static inline const char* name = "talk_group";
};

/// One actor per channel (talk group), activated on demand as "group:<channel id>". It loads
/// the channel's listeners from the store on start (deferring other messages until then),
/// grants the floor to one talker at a time, fans each audio packet out to every other
/// listener (encoded once per wire protocol, written straight to the connections, droppable
/// for slow listeners; from ptt.fanout_lane_listeners listeners on, split over fan-out lanes
/// that write in parallel), records bursts, and forgets itself after ptt.group_idle_ms without
/// listeners.
///
/// Messages:
///  (subscribe_atom, listener) → bool: false when the user is not a member
///  (unsubscribe_atom, session id)
///  (talk_start_atom, floor_request) → uint8_t floor_answer
///  (talk_stop_atom, session id, user id) → (std::string message id, int64_t duration ms);
///      an empty id when the caller did not hold the floor
///  (audio_atom, session id, user id, audio_bytes, int64_t sent steady_us): forwarded only
///      from the holder, and only while younger than ptt.max_audio_lag_ms
///  (text_atom, session id, user id, std::string text) → std::string message id
///  (membership_atom): reload the listeners; drop connections of users removed
///  (traffic_atom) → (bool active, std::string talker, int64_t last audio epoch ms)
caf::behavior talk_group_actor(caf::stateful_actor<talk_group_state>* self, group_deps deps,
                               std::string channel_id);

}  // namespace sb

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::floor_request)
