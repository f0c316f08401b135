#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "config/domain/cti/records.hpp"
#include "config/domain/dialpad/call_event.hpp"

namespace sb::dialpad {

// The live CTI events an app's WebSocket clients receive: the seed's JSON, with the raw
// Dialpad state alongside and the app's `seq` last. Encoded once, when the event is logged.

/// A call's new state ("call.ring", "call.started", …, seed_event_of).
std::string call_event_body(const call_event& e, const cti::cti_call& c,
                            const std::optional<std::string>& crm_user, int64_t seq,
                            int64_t now_us);

/// "voicemail.received".
std::string voicemail_body(const call_event& e, const cti::voicemail& v,
                           const std::optional<std::string>& call_id,
                           const std::optional<std::string>& crm_user, int64_t seq, int64_t now_us);

}  // namespace sb::dialpad
