#include "persistence/notes.hpp"

#include <soci/soci.h>
#include <caf/make_message.hpp>

#include "config/ground/clock.hpp"

namespace sb::persistence {

int64_t insert_note(soci::session& sql, const std::string& session_id, const std::string& body,
                    int64_t created_at_us) {
  long long id = 0;
  long long created = created_at_us;
  sql << "INSERT INTO notes (session_id, body, created_at_us) VALUES (:s, :b, :t) RETURNING id",
      soci::use(session_id), soci::use(body), soci::use(created), soci::into(id);
  return id;
}

std::optional<note> find_note(soci::session& sql, int64_t id) {
  note n;
  long long key = id;
  long long created = 0;
  sql << "SELECT session_id, body, created_at_us FROM notes WHERE id = :id", soci::use(key),
      soci::into(n.session_id), soci::into(n.body), soci::into(created);
  if (!sql.got_data()) return std::nullopt;
  n.id = id;
  n.created_at_us = created;
  return n;
}

store_job_ptr insert_note_job(std::string session_id, std::string body) {
  int64_t created = now_us();
  return make_job("insert_note", [=](soci::session& sql) {
    return caf::make_message(insert_note(sql, session_id, body, created), created);
  });
}

store_job_ptr ping_job() {
  return make_job("ping", [](soci::session& sql) {
    int one = 0;
    sql << "SELECT 1", soci::into(one);
    return caf::make_message(int64_t{one});
  });
}

}  // namespace sb::persistence
