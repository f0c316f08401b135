#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/domain/cti/records.hpp"
#include "config/domain/dialpad/call_event.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

using cti::cti_call;

struct cti_call_state {
  int64_t webhook_event_id = 0;
  std::string state;
  std::optional<int64_t> event_timestamp_ms;
  bool applied = false;  ///< false: a late or stale delivery that did not move the call
  int64_t recorded_at_us = 0;
};

struct applied_call_event {
  cti_call call;
  bool moved = false;  ///< the event changed the call's status
  bool stale = false;  ///< a status state older than the call's current one: ignored
};

/// Applies one event to its call (creating it on first sight), monotonically: a status state
/// moves the call only forward (ring → active → ended), within ring and active only to a
/// newer event_timestamp; an ended call never changes status again. Other fields fill in.
applied_call_event apply_call_event(soci::session& sql, const std::string& app_id,
                                    const std::string& tenant_id, const dialpad::call_event& e,
                                    int64_t webhook_event_id, int64_t now_us);

struct call_filter {
  std::optional<std::string> status;
  std::optional<std::string> direction;
  std::optional<std::string> from_number;
  std::optional<std::string> to_number;
  std::optional<int64_t> dialpad_user_id;
  std::optional<int64_t> since_ms;  ///< started at or after
  std::optional<int64_t> until_ms;  ///< started before
  bool active_only = false;         ///< ringing, active or on hold
  bool ended_only = false;          ///< completed, missed, voicemail or blocked
};

struct call_page {
  std::vector<cti_call> items;
  int64_t total = 0;
  bool has_more = false;  ///< calls past this page (an exact last page has none)
};

/// Newest first (started_at, then id). With `after`, only calls that sort after that call
/// (the opaque cursor); otherwise `offset`.
call_page list_cti_calls(soci::session& sql, const std::string& app_id, const call_filter& f,
                         int64_t limit, int64_t offset, const std::optional<std::string>& after);

std::optional<cti_call> find_cti_call(soci::session& sql, const std::string& app_id,
                                      const std::string& id);
std::vector<cti_call_state> cti_call_history(soci::session& sql, const std::string& call_id);

}  // namespace sb::persistence
