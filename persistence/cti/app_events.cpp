#include "persistence/cti/app_events.hpp"

#include <soci/soci.h>

#include "persistence/rows.hpp"

namespace sb::persistence {

app_event append_app_event(soci::session& sql, const std::string& app_id, std::string event,
                           std::string body, const std::optional<std::string>& crm_user,
                           int64_t now_us, int64_t seq) {
  app_event e;
  e.seq = seq;
  e.event = std::move(event);
  e.crm_user_id = crm_user;
  e.body = std::move(body);
  nullable_text user(crm_user);
  sql << "INSERT INTO cti_app_events (app_id, seq, event, crm_user_id, body, created_at_us) "
         "VALUES (:a, :s, :e, :u, :b, :n)",
      soci::use(app_id), soci::use(e.seq), soci::use(e.event),
      soci::use(user.value, user.indicator), soci::use(e.body), soci::use(now_us);
  return e;
}

std::vector<app_event> app_events_since(soci::session& sql, const std::string& app_id,
                                        int64_t since, int64_t limit) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT seq, event, crm_user_id, body FROM cti_app_events WHERE app_id = :a "
                      "AND seq > :s ORDER BY seq LIMIT :l",
       soci::use(app_id), soci::use(since), soci::use(limit));
  return read_rows(rows, [](const row_reader& in) {
    return app_event{in.i64("seq"), in.str("event"), in.opt_str("crm_user_id"), in.str("body")};
  });
}

int64_t last_app_seq(soci::session& sql, const std::string& app_id) {
  int64_t seq = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MAX(seq) FROM cti_app_events WHERE app_id = :a", soci::use(app_id),
      soci::into(seq, ind);
  return ind == soci::i_ok ? seq : 0;
}

}  // namespace sb::persistence
