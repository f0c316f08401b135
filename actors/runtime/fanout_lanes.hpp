#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/local_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/system_messages.hpp>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "actors/runtime/atoms.hpp"

namespace sb {

// Fan-out lanes of a big talk group or conversation. A write to a connection costs microseconds
// of kernel time (mostly TCP), so one actor writing an event to thousands of connections would
// fall behind; the owner splits its connections over a few lanes, one per core, each
// connection always in the same lane, and each lane writes the events it is sent in order, so
// every connection still gets them in order. A lane that falls behind catches up in batches:
// it queues every event that arrived meanwhile, then writes each connection once.

template <class Event, class Roster>
struct fanout_lane_state {
  fanout_lane_state() = default;  // not an aggregate (docs/architecture.md)
  std::vector<std::pair<Event, Roster>> pending;
  static inline const char* name = "fanout_lane";
};

/// A lane: (fanout_atom, Event, Roster) queues the event for that share of the connections;
/// `Write` writes a batch of them, in order.
template <class Event, class Roster, void (*Write)(std::vector<std::pair<Event, Roster>>&)>
caf::behavior fanout_lane(caf::stateful_actor<fanout_lane_state<Event, Roster>>* self) {
  return {
      [self](fanout_atom, Event& event, Roster& roster) {
        auto& pending = self->state.pending;
        // The flush goes behind whatever is already in the mailbox: under load, a batch.
        if (pending.empty()) self->send(self, flush_atom::value);
        pending.emplace_back(std::move(event), std::move(roster));
      },
      [self](flush_atom) {
        auto pending = std::move(self->state.pending);
        self->state.pending.clear();
        Write(pending);
      },
  };
}

/// Spawns the lanes of `owner`: `configured` of them (the node resolves "0 = one per CPU" at
/// start; 0 here means one). They end with their owner.
template <class Lane>
std::vector<caf::actor> spawn_fanout_lanes(caf::local_actor* owner, uint32_t configured,
                                           Lane lane) {
  auto n = std::max(1u, configured);
  std::vector<caf::actor> lanes;
  for (uint32_t i = 0; i < n; ++i) {
    auto spawned = owner->spawn(lane);
    owner->attach_functor([spawned](const caf::error&) {
      caf::anon_send_exit(spawned, caf::exit_reason::user_shutdown);
    });
    lanes.push_back(std::move(spawned));
  }
  return lanes;
}

}  // namespace sb
