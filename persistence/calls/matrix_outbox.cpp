#include "persistence/calls/matrix_outbox.hpp"

#include <soci/soci.h>

#include "persistence/rows.hpp"

namespace sb::persistence {

void enqueue_matrix_event(soci::session& sql, const matrix_event& e, int64_t now_us) {
  sql << "INSERT INTO matrix_outbox (tenant_id, call_id, room_id, event_type, content, "
         "next_attempt_at_us, created_at_us) VALUES (:t, :c, :r, :y, :b, :n, :n2)",
      soci::use(e.tenant_id), soci::use(e.call_id), soci::use(e.room_id), soci::use(e.type),
      soci::use(e.content), soci::use(now_us), soci::use(now_us);
}

std::vector<matrix_event> due_matrix_events(soci::session& sql, int64_t now_us, int64_t limit) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, tenant_id, call_id, room_id, event_type, content, attempts "
                      "FROM matrix_outbox m WHERE sent_at_us IS NULL AND next_attempt_at_us <= :n "
                      // A room's events go out in order: none passes an earlier one that waits.
                      "AND NOT EXISTS (SELECT 1 FROM matrix_outbox o WHERE o.room_id = m.room_id "
                      "AND o.sent_at_us IS NULL AND o.id < m.id AND o.next_attempt_at_us > :n2) "
                      "ORDER BY id LIMIT :l",
       soci::use(now_us), soci::use(now_us), soci::use(limit));
  return read_rows(rows, [](const row_reader& in) {
    return matrix_event{in.i64("id"),      in.str("tenant_id"),  in.str("call_id"),
                        in.str("room_id"), in.str("event_type"), in.str("content"),
                        in.i64("attempts")};
  });
}

void mark_matrix_sent(soci::session& sql, int64_t id, const std::string& event_id, int64_t at_us) {
  sql << "UPDATE matrix_outbox SET sent_at_us = :a, matrix_event_id = :e, attempts = attempts + 1, "
         "last_error = NULL WHERE id = :id",
      soci::use(at_us), soci::use(event_id), soci::use(id);
}

void mark_matrix_failed(soci::session& sql, int64_t id, const std::string& error,
                        int64_t retry_at_us) {
  sql << "UPDATE matrix_outbox SET attempts = attempts + 1, last_error = :e, "
         "next_attempt_at_us = :n WHERE id = :id",
      soci::use(error), soci::use(retry_at_us), soci::use(id);
}

}  // namespace sb::persistence
