#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sb::cti {

// What the CTI bridge knows of Dialpad's calls and voicemails: stored by persistence/, encoded
// for live clients by protocols/dialpad, for REST by api/. Times as the field names say.

/// A Dialpad call as the CTI bridge knows it: built from its webhook events.
struct cti_call {
  std::string id;  ///< ours (UUID)
  std::string app_id;
  std::string tenant_id;
  int64_t dialpad_call_id = 0;
  std::optional<std::string> direction;
  std::optional<std::string> from_number;
  std::optional<std::string> to_number;
  std::string status;  ///< ringing, active, on_hold, completed, missed, voicemail, blocked
  std::string state;   ///< the raw Dialpad state that set the status
  int phase = 0;       ///< dialpad::phase of `state`
  std::optional<int64_t> state_timestamp_ms;
  std::optional<int64_t> dialpad_user_id;
  std::optional<int64_t> started_at_ms;
  std::optional<int64_t> connected_at_ms;
  std::optional<int64_t> ended_at_ms;
  std::optional<int64_t> duration_ms;
  std::optional<std::string> recording_url;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

/// A voicemail, first-class: it need not belong to a call we know.
struct voicemail {
  std::string id;
  std::string app_id;
  std::optional<int64_t> dialpad_call_id;
  std::optional<int64_t> dialpad_user_id;
  std::optional<std::string> from_number;
  std::optional<std::string> to_number;
  std::optional<std::string> recording_url;
  std::optional<std::string> transcript;
  std::optional<int64_t> duration_seconds;
  int64_t created_at_us = 0;
  int64_t updated_at_us = 0;
};

}  // namespace sb::cti
