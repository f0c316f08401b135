#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/domain/cti/records.hpp"
#include "config/domain/dialpad/call_event.hpp"
#include "persistence/cti/app_events.hpp"
#include "persistence/cti/webhook_events.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// The wire formats processing needs, handed in by its caller (protocols/dialpad through the
/// webhook stream), so that the store knows SQL and typed values only: how a stored delivery
/// reads as a call event, and the live events it logs (`seq` is theirs to write in).
struct cti_wire {
  std::optional<dialpad::call_event> (*read)(const std::string& payload, std::string* why);
  std::string (*call)(const dialpad::call_event& e, const cti::cti_call& c,
                      const std::optional<std::string>& crm_user, int64_t seq, int64_t now_us);
  std::string (*voicemail)(const dialpad::call_event& e, const cti::voicemail& v,
                           const std::optional<std::string>& call_id,
                           const std::optional<std::string>& crm_user, int64_t seq, int64_t now_us);
};

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
std::vector<processing_outcome> process_webhook_events(soci::session& sql, const cti_wire& wire,
                                                       const std::vector<webhook_event>& events,
                                                       int64_t now_us);

}  // namespace sb::persistence
