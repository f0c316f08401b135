#pragma once

#include <cstdint>
#include <optional>
#include <string>

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
std::optional<ptt_message> find_ptt_message(soci::session& sql, const tenant_scope& scope,
                                            const std::string& id);
/// Records a delivered or read receipt of the private message `id` that `from_user` sent to
/// `to_user`; false when there is no such message in the scope.
bool mark_ptt_message(soci::session& sql, const tenant_scope& scope, const std::string& id,
                      const std::string& from_user, const std::string& to_user, bool read);

}  // namespace sb::persistence
