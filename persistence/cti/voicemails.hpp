#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocols/dialpad/call_event.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

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
