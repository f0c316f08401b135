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

using cti::voicemail;

struct voicemail_page {
  std::vector<voicemail> items;
  int64_t total = 0;
};

/// Stores the voicemail of a call event (one per Dialpad call: a retry or a later
/// transcription updates it). nullopt when the event carries neither a voicemail link nor a
/// transcript for an existing voicemail.
std::optional<voicemail> upsert_voicemail(soci::session& sql, const std::string& app_id,
                                          const std::string& tenant_id,
                                          const dialpad::call_event& e, int64_t now_us);

voicemail_page list_voicemails(soci::session& sql, const std::string& app_id,
                               const std::optional<int64_t>& dialpad_user_id, int64_t limit,
                               int64_t offset);
std::optional<voicemail> find_voicemail(soci::session& sql, const std::string& app_id,
                                        const std::string& id);
bool delete_voicemail(soci::session& sql, const std::string& app_id, const std::string& id);

}  // namespace sb::persistence
