#include "persistence/notes.hpp"

#include <soci/soci.h>

namespace sb::persistence {

int64_t insert_note(soci::session& sql, const std::string& session_id, const std::string& body,
                    int64_t created_at_us) {
  long long id = 0;
  long long created = created_at_us;
  sql << "INSERT INTO notes (session_id, body, created_at_us) VALUES (:s, :b, :t) RETURNING id",
      soci::use(session_id), soci::use(body), soci::use(created), soci::into(id);
  return id;
}

int64_t ping(soci::session& sql) {
  int one = 0;
  sql << "SELECT 1", soci::into(one);
  return one;
}

}  // namespace sb::persistence
