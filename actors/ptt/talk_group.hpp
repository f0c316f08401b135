#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "actors/chat/conversation.hpp"
#include "actors/ptt/fanout.hpp"
#include "actors/ptt/ptt_messages.hpp"
#include "actors/ptt/recorder_actor.hpp"
#include "actors/runtime/atoms.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"
#include "protocols/ptt/encoder.hpp"
#include "protocols/ws/connection.hpp"

namespace sb {

/// What every talk group needs from its node.
struct group_deps {
  persistence::store_client store;
  recorder_actor recorder;
  config::ptt_config cfg;
  std::array<const ptt::encoder*, kWires> encoders{};
  /// The channels' conversations (their directory is filled in once the node has one): a
  /// group's texts are its conversation's messages.
  std::shared_ptr<const chat_deps> chat;
};

/// A request for the floor of one group.
struct floor_request {
  std::string session_id;
  std::string user_id;
  bool dispatcher = false;
  bool emergency = false;  ///< pre-empts anyone, needs no membership (the session checked)
  std::string start_raw;   ///< VoicePing START payload, see ptt::talk_event
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, floor_request& x) {
  return f(caf::meta::type_name("floor_request"), x.session_id, x.user_id, x.dispatcher,
           x.emergency, x.start_raw);
}

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
  std::vector<remote_listener> remote;  ///< connections on other members, behind their relays
  std::vector<caf::actor> lanes;        ///< fan-out lanes, once the group is big (fanout.hpp)
  // Derived from `listeners` when they change (refresh_rosters in talk_group.cpp):
  std::array<bool, kWires> wires_in_use{};  ///< protocols some listener speaks
  std::vector<roster_ptr> lane_rosters;     ///< each lane's share of `listeners`
  std::vector<caf::actor> relays;           ///< the relays of `remote`, each once
  bool rosters_stale = true;                ///< listeners changed since then
  std::optional<floor_state> floor;
  uint64_t bursts = 0;
  int64_t last_audio_ms = 0;  ///< of any burst, for the traffic view
  std::string last_talker;
  uint64_t idle_generation = 0;
  static inline const char* name = "talk_group";
};

/// A talk group's interface:
///  subscribe(listener) → false when the user is not a member
///  unsubscribe(session id)
///  talk_start(floor_request) → floor_answer (as uint8_t)
///  talk_stop(session id, user id) → (message id, duration ms); an empty id when the caller
///      did not hold the floor
///  audio(session id, user id, opus, sent steady_us): forwarded only from the holder, and only
///      while younger than ptt.max_audio_lag_ms
///  text(session id, user id, text) → message id: appended to the channel's conversation
///      (committed first), which tells the group back to fan it out
///  channel_text(message): the channel's conversation got a message: a text to every
///      listener but the sender's connections
///  membership: reload the listeners; drop connections of users removed
///  traffic → (active, talker, last audio epoch ms)
///  floor_timer(burst, reason), timeout(generation): the group's own timers
///  relay(session, user, wire, relay) → false when the user is not a member: a connection on
///      another member, which gets the group's events through that member's relay
///  moved: another member owns the group now: every listener and relay is told (they resolve
///      the group again), the floor is released, and the group quits
using talk_group_actor = caf::typed_actor<
    caf::replies_to<subscribe_atom, listener>::with<bool>,
    caf::reacts_to<unsubscribe_atom, std::string>,
    caf::replies_to<talk_start_atom, floor_request>::with<uint8_t>,
    caf::replies_to<talk_stop_atom, std::string, std::string>::with<std::string, int64_t>,
    caf::reacts_to<audio_atom, std::string, std::string, audio_bytes, int64_t>,
    caf::replies_to<text_atom, std::string, std::string, std::string>::with<std::string>,
    caf::reacts_to<channel_text_atom, chat::message>, caf::reacts_to<membership_atom>,
    caf::replies_to<traffic_atom>::with<bool, std::string, int64_t>,
    caf::reacts_to<floor_timer_atom, uint64_t, uint8_t>,
    caf::reacts_to<caf::timeout_atom, uint64_t>,
    caf::replies_to<relay_atom, std::string, std::string, uint8_t, caf::actor>::with<bool>,
    caf::reacts_to<moved_atom>>;

/// One actor per channel (talk group), activated on demand as "group:<channel id>". It loads
/// the channel's listeners from the store on start (deferring other messages until then),
/// grants the floor to one talker at a time, fans each audio packet out to every other
/// listener (encoded once per wire protocol, written straight to the connections, droppable
/// for slow listeners; from ptt.fanout_lane_listeners listeners on, split over fan-out lanes
/// that write in parallel), records bursts, and forgets itself after ptt.group_idle_ms without
/// listeners. On a cluster, the member that owns the group runs it; listeners on other members
/// reach it through their member's relay (group_relay.hpp), one message per event and member.
talk_group_actor::behavior_type talk_group_impl(
    talk_group_actor::stateful_pointer<talk_group_state> self, group_deps deps,
    std::string channel_id);

/// The group the directory resolved (a dynamic handle) as what it is.
inline talk_group_actor as_talk_group(const caf::actor& a) {
  return caf::actor_cast<talk_group_actor>(a);
}

}  // namespace sb
