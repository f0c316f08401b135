#include "persistence/ptt/messages.hpp"

#include <soci/soci.h>

#include "actors/runtime/clock.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

void insert_ptt_message(soci::session& sql, const ptt_message& m) {
  nullable_text body(m.body), file(m.file_name);
  long long duration = m.duration_ms, size = m.size_bytes,
            at = m.created_at_us ? m.created_at_us : now_us();
  int ct = m.channel_type;
  sql << "INSERT INTO ptt_messages (id, tenant_id, channel_type, target_id, from_user, kind, "
         "body, file_name, duration_ms, size_bytes, created_at_us) VALUES (:id, :t, :ct, :tg, "
         ":f, :k, :b, :fn, :d, :s, :c)",
      soci::use(m.id), soci::use(m.tenant_id), soci::use(ct), soci::use(m.target),
      soci::use(m.from_user), soci::use(m.kind), soci::use(body.value, body.indicator),
      soci::use(file.value, file.indicator), soci::use(duration), soci::use(size), soci::use(at);
}

std::optional<ptt_message> find_ptt_message(soci::session& sql, const tenant_scope& scope,
                                            const std::string& id) {
  std::string tenant = scope.tenant_id();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, tenant_id, channel_type, target_id, from_user, kind, body, "
                      "file_name, duration_ms, size_bytes, created_at_us FROM ptt_messages WHERE "
                      "id = :id AND tenant_id = :t",
       soci::use(id), soci::use(tenant));
  for (const auto& r : rows) {
    row_reader in(r);
    return ptt_message{
        in.str("id"),         in.str("tenant_id"),     static_cast<int>(in.i64("channel_type")),
        in.str("target_id"),  in.str("from_user"),     in.str("kind"),
        in.opt_str("body"),   in.opt_str("file_name"), in.i64("duration_ms"),
        in.i64("size_bytes"), in.i64("created_at_us")};
  }
  return std::nullopt;
}

bool mark_ptt_message(soci::session& sql, const tenant_scope& scope, const std::string& id,
                      const std::string& from_user, const std::string& to_user, bool read) {
  std::string tenant = scope.tenant_id();
  long long now = now_us();
  // The first receipt of each kind counts; a later one does not move the time.
  std::string column = read ? "read_at_us" : "delivered_at_us";
  soci::statement st =
      (sql.prepare << "UPDATE ptt_messages SET " + column +
                          " = :n WHERE id = :id AND tenant_id "
                          "= :t AND channel_type = 1 AND from_user = :f AND target_id = :to AND " +
                          column + " IS NULL",
       soci::use(now), soci::use(id), soci::use(tenant), soci::use(from_user), soci::use(to_user));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace sb::persistence
