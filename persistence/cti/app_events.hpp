#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// One event as an app's live clients receive it (the seed's JSON, plus `seq`).
struct app_event {
  int64_t seq = 0;  ///< per app, from 1, without gaps
  std::string event;
  std::optional<std::string> crm_user_id;  ///< for user-level delivery
  std::string body;                        ///< serialized JSON, `seq` included
};

/// Appends an event (its name, and its body as encoded with `seq` in it) to the app's log as
/// number `seq`, the next after last_app_seq (callers for one app run on one store worker, so
/// numbers never collide).
app_event append_app_event(soci::session& sql, const std::string& app_id, std::string event,
                           std::string body, const std::optional<std::string>& crm_user,
                           int64_t now_us, int64_t seq);

/// Events after `since`, oldest first, at most `limit`.
std::vector<app_event> app_events_since(soci::session& sql, const std::string& app_id,
                                        int64_t since, int64_t limit);

int64_t last_app_seq(soci::session& sql, const std::string& app_id);

}  // namespace sb::persistence
