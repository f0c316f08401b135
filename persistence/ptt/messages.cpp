#include "persistence/ptt/messages.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "persistence/connection.hpp"
#include "persistence/filtered_query.hpp"
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

void insert_recording(soci::session& sql, const ptt_message& m, uint64_t quota_bytes) {
  long long size = m.size_bytes;
  // The most the tenant may hold before this recording (unlimited: more than any sum); a row
  // per tenant, created on first use.
  long long room = quota_bytes == 0 ? INT64_MAX : static_cast<long long>(quota_bytes) - size;
  sql << "INSERT INTO recording_usage (tenant_id, bytes) VALUES (:t, 0) "
         "ON CONFLICT (tenant_id) DO NOTHING",
      soci::use(m.tenant_id);
  soci::statement add = (sql.prepare << "UPDATE recording_usage SET bytes = bytes + :n "
                                        "WHERE tenant_id = :t AND bytes <= :r",
                         soci::use(size), soci::use(m.tenant_id), soci::use(room));
  add.execute(true);
  if (add.get_affected_rows() != 1) {
    throw store_error(errc::limit_reached, "the tenant's recording quota is used up");
  }
  insert_ptt_message(sql, m);
}

std::vector<expired_recording> expired_recordings(soci::session& sql, int64_t before_us,
                                                  int64_t limit) {
  filtered_query expired("FROM ptt_messages");
  expired.where("kind = 'audio' AND purged_at_us IS NULL").where("created_at_us < ?", {before_us});
  auto rows = expired.page(sql, "id, tenant_id, size_bytes", "created_at_us", limit, 0);
  return read_rows(rows, [](const row_reader& in) {
    return expired_recording{in.str("id"), in.str("tenant_id"), in.i64("size_bytes")};
  });
}

void mark_recordings_purged(soci::session& sql, const std::vector<expired_recording>& gone) {
  long long now = now_us();
  for (const auto& g : gone) {
    long long size = g.size_bytes;
    soci::statement mark = (sql.prepare << "UPDATE ptt_messages SET purged_at_us = :n "
                                           "WHERE id = :id AND purged_at_us IS NULL",
                            soci::use(now), soci::use(g.id));
    mark.execute(true);
    if (mark.get_affected_rows() != 1) continue;  // purged already: counted once
    sql << "UPDATE recording_usage SET bytes = bytes - :s WHERE tenant_id = :t", soci::use(size),
        soci::use(g.tenant_id);
  }
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
