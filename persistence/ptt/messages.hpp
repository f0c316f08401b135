#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "persistence/tenant_scope.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

/// A talk burst or text message of a group or a private conversation.
struct ptt_message {
  std::string id;  ///< VoicePing's message id, e.g. "0_3_<channel>_<user>_<ms>_<dur>ms.opus"
  std::string tenant_id;
  int channel_type = 0;  ///< 0 group, 1 private
  std::string target;    ///< channel id, or the recipient's user id
  std::string from_user;
  std::string kind;  ///< audio or text
  std::optional<std::string> body;
  std::optional<std::string> file_name;
  int64_t duration_ms = 0;
  int64_t size_bytes = 0;
  int64_t created_at_us = 0;
};

void insert_ptt_message(soci::session& sql, const ptt_message& m);

/// Stores the recorded burst `m` (kind audio, size_bytes set) and adds its bytes to its
/// tenant's recording usage, unless that would pass `quota_bytes` (0 = no quota): then it
/// throws store_error(limit_reached) and nothing is stored.
void insert_recording(soci::session& sql, const ptt_message& m, uint64_t quota_bytes);

/// A recording the retention sweep may delete.
struct expired_recording {
  std::string id;
  std::string tenant_id;
  int64_t size_bytes = 0;
};

/// Up to `limit` recordings created before `before_us` whose files are still kept.
std::vector<expired_recording> expired_recordings(soci::session& sql, int64_t before_us,
                                                  int64_t limit);

/// Marks recordings purged (their files are gone) and gives their bytes back to their
/// tenants' usage.
void mark_recordings_purged(soci::session& sql, const std::vector<expired_recording>& gone);
std::optional<ptt_message> find_ptt_message(soci::session& sql, const tenant_scope& scope,
                                            const std::string& id);
/// Records a delivered or read receipt of the private message `id` that `from_user` sent to
/// `to_user`; false when there is no such message in the scope.
bool mark_ptt_message(soci::session& sql, const tenant_scope& scope, const std::string& id,
                      const std::string& from_user, const std::string& to_user, bool read);

}  // namespace sb::persistence
