#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "persistence/cti/webhook_events.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// The last sample of every app's webhook stream, readable from any thread (/health).
class stream_stats_board {
 public:
  void publish(std::vector<persistence::webhook_stream_stats> s);
  std::vector<persistence::webhook_stream_stats> snapshot() const;

 private:
  mutable std::mutex mutex_;
  std::vector<persistence::webhook_stream_stats> stats_;
};

struct stream_stats_state {
  stream_stats_state() = default;   // not an aggregate (docs/architecture.md)
  std::set<std::string> apps_seen;  ///< gauges of apps whose backlog is gone are set to 0
  static inline const char* name = "stream_stats";
};

/// Every `period`, reads each app's webhook backlog from the store and publishes it to
/// `board` and as gauges: sb_webhook_stream_pending / _failed / _dead / _lag_seconds
/// {app_id="…"} (lag = age of the oldest event waiting).
caf::behavior stream_stats_actor(caf::stateful_actor<stream_stats_state>* self,
                                 persistence::store_client store,
                                 std::shared_ptr<stream_stats_board> board,
                                 std::chrono::milliseconds period);

}  // namespace sb
