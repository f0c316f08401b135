#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// An m.call.* event waiting for the homeserver. Events are queued in the transaction of the
/// call change that causes them, so a homeserver outage delays them but never loses them; the
/// sender uses "sb<id>" as the Matrix transaction id, so a retry after a crash is not a
/// second event.
struct matrix_event {
  int64_t id = 0;
  std::string tenant_id;
  std::string call_id;
  std::string room_id;
  std::string type;     ///< m.call.invite, m.call.answer, m.call.candidates, …
  std::string content;  ///< the event content, JSON text
  int64_t attempts = 0;
};

void enqueue_matrix_event(soci::session& sql, const matrix_event& e, int64_t now_us);

/// Up to `limit` events due at `now_us`, in the order they were queued; an event waits while
/// an earlier one of its room waits for a retry.
std::vector<matrix_event> due_matrix_events(soci::session& sql, int64_t now_us, int64_t limit);

void mark_matrix_sent(soci::session& sql, int64_t id, const std::string& event_id, int64_t at_us);

/// Records a failed attempt; the event is tried again at `retry_at_us`.
void mark_matrix_failed(soci::session& sql, int64_t id, const std::string& error,
                        int64_t retry_at_us);

}  // namespace sb::persistence
