#pragma once

#include <caf/actor.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/calls/call_messages.hpp"
#include "actors/directory/directory.hpp"
#include "actors/runtime/atoms.hpp"
#include "config/domain/calls/call_model.hpp"
#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// What every call actor needs from its node.
struct call_deps {
  persistence::store_client store;
  directory_actor directory;
  config::calls_config cfg;
  std::chrono::milliseconds request_timeout{5000};  ///< asking other actors (directory, devices)
  caf::actor matrix_sender;  ///< nudged after Matrix events are queued; invalid = no Matrix
  /// Finds devices and calls on every cluster member (the membership actor); invalid on a
  /// single node, where the directory finds them.
  entity_finder finder{};
  std::string member{};  ///< this cluster member's name, kept with its calls ("" alone)
};

/// Where a call looks for devices and other calls: the cluster's finder, else the directory.
inline entity_finder finder_of(const call_deps& deps) {
  return deps.finder ? deps.finder : caf::actor_cast<entity_finder>(deps.directory);
}

/// The store shard of a call: one per call keeps its rows in order.
persistence::shard_key call_shard(const std::string& call_id);

struct call_state {
  call_state() = default;  // not an aggregate (docs/architecture.md)

  call_deps deps;
  calls::call_row call;
  std::optional<std::string> offer;  ///< the caller's SDP from the invite
  /// Where each party's events go (by user id): the sessions that ring, or that took the call.
  std::map<std::string, std::vector<caf::actor>> devices;
  std::map<std::string, uint64_t> grace;  ///< parties whose last device dropped → timer
  uint64_t ring_timer = 0;
  uint64_t grace_timer = 0;
  bool matrix_invited = false;  ///< m.call.invite queued
  static inline const char* name = "call";
};

/// A call actor's interface:
///  invite(call_setup) → the call: the first message; answered once the call rings (or was
///      missed)
///  call_cmd(call_command) → the call: errc forbidden / conflict / not_found /
///      payload_too_large with a message
///  ring_timer(generation), grace_timer(user, generation): the call's own timers
using call_actor =
    caf::typed_actor<caf::replies_to<invite_atom, call_setup>::with<calls::call_row>,
                     caf::replies_to<call_cmd_atom, call_command>::with<calls::call_row>,
                     caf::reacts_to<ring_timer_atom, uint64_t>,
                     caf::reacts_to<grace_timer_atom, std::string, uint64_t>>;

/// One actor per live call, registered as "call:<id>" until the call is over (then its row,
/// participants, events and history are in the store, and the actor quits).
///
/// Lifecycle: initiated → ringing → active → ended, or rejected / missed (ring timeout, or no
/// callee device online) / failed (a party's device dropped and it did not come back within
/// calls.reconnect_grace_ms). Every transition is committed before it is announced or answered.
/// Signaling (SDP, ICE, media toggles) is relayed at once to the named peer or to every other
/// participant, in order, then audited.
call_actor::behavior_type call_impl(call_actor::stateful_pointer<call_state> self, call_deps deps,
                                    std::string id);

/// The directory tag of a user's sessions that can take calls (native WebSocket sessions).
std::string call_device_tag(const std::string& user_id);

}  // namespace sb
