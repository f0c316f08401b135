#include "persistence/notes.hpp"

#include <soci/soci.h>

#include "persistence/prepared.hpp"

namespace sb::persistence {

namespace {

// The echo path's one statement: prepared once per connection.
struct insert_note_statement {
  explicit insert_note_statement(soci::session& sql)
      : statement((sql.prepare << "INSERT INTO notes (session_id, body, created_at_us) VALUES "
                                  "(:s, :b, :t) RETURNING id",
                   soci::use(session_id), soci::use(body), soci::use(created), soci::into(id))) {}
  std::string session_id;
  std::string body;
  long long created = 0;
  long long id = 0;
  soci::statement statement;
};

}  // namespace

int64_t insert_note(soci::session& sql, const std::string& session_id, const std::string& body,
                    int64_t created_at_us) {
  return with_statement<insert_note_statement>(sql, [&](insert_note_statement& s) {
    s.session_id = session_id;
    s.body = body;
    s.created = created_at_us;
    s.statement.execute(true);
    // Run the statement to its end: SQLite cannot commit while an INSERT … RETURNING that
    // has not finished is open.
    while (s.statement.fetch()) {
    }
    return static_cast<int64_t>(s.id);
  });
}

int64_t ping(soci::session& sql) {
  int one = 0;
  sql << "SELECT 1", soci::into(one);
  return one;
}

}  // namespace sb::persistence
