#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/cti/app_events.hpp"
#include "persistence/cti/webhook_events.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

struct processing_outcome {
  std::vector<app_event> events;             ///< committed with the event: to deliver live
  std::optional<std::string> unprocessable;  ///< set when the event was marked dead instead
};

/// Applies stored deliveries of one app, in order (call state, history, voicemail, the app's
/// event log), and marks each processed, all in the caller's transaction: after a crash either
/// all of it happened or none, so an event is never applied twice. A delivery that no retry
/// could fix (not a call event) is marked dead at once with the reason. A stale status state
/// (a late retry of `ringing` for an ended call) is recorded in the history but not announced.
/// The answer is aligned with `events`.
std::vector<processing_outcome> process_webhook_events(soci::session& sql,
                                                       const std::vector<webhook_event>& events,
                                                       int64_t now_us);

}  // namespace sb::persistence
