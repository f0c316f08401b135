#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>

#include "config/node_config.hpp"
#include "persistence/store_client.hpp"

namespace sb {

struct matrix_sender_state {
  matrix_sender_state() = default;  // not an aggregate (docs/architecture.md)
  bool busy = false;
  static inline const char* name = "matrix_sender";
};

/// Drains the Matrix outbox (persistence/calls/matrix_outbox.hpp). Runs detached: HTTP to the
/// homeserver blocks. Whenever it is nudged (matrix_atom, after a call queued events) and
/// every second, it takes the due events in queue order and PUTs each to
/// `/_matrix/client/v3/rooms/{room}/send/{type}/sb{id}` with the bot's token — the
/// transaction id makes a retry after a crash the same event, not a second one. A failure
/// (homeserver down, 5xx, 429, …) is retried with backoff (calls.matrix_retry_base_ms
/// doubling up to calls.matrix_retry_max_ms); events are never dropped.
caf::behavior matrix_sender_actor(caf::stateful_actor<matrix_sender_state>* self,
                                  persistence::store_client store, config::calls_config cfg);

}  // namespace sb
