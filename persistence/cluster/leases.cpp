#include "persistence/cluster/leases.hpp"

#include <soci/soci.h>

#include "persistence/connection.hpp"

namespace sb::persistence {

std::optional<int64_t> acquire_lease(soci::session& sql, const std::string& entity,
                                     const std::string& holder, int64_t now_us, int64_t ttl_us) {
  int64_t fence = 0;
  soci::indicator found = soci::i_null;
  int64_t expires = now_us + ttl_us;
  sql << "INSERT INTO entity_leases (entity_id, holder, fence, expires_at_us) "
         "VALUES (:e, :h, 1, :x) ON CONFLICT (entity_id) DO UPDATE SET "
         "fence = CASE WHEN entity_leases.holder = excluded.holder THEN entity_leases.fence "
         "ELSE entity_leases.fence + 1 END, "
         "holder = excluded.holder, expires_at_us = excluded.expires_at_us "
         "WHERE entity_leases.holder = excluded.holder OR entity_leases.expires_at_us < :now "
         "RETURNING fence",
      soci::use(entity), soci::use(holder), soci::use(expires), soci::use(now_us),
      soci::into(fence, found);
  if (!sql.got_data() || found != soci::i_ok) return std::nullopt;
  return fence;
}

void release_lease(soci::session& sql, const std::string& entity, const std::string& holder) {
  sql << "UPDATE entity_leases SET expires_at_us = 0 WHERE entity_id = :e AND holder = :h",
      soci::use(entity), soci::use(holder);
}

void check_fence(soci::session& sql, const std::string& entity, int64_t fence) {
  int64_t current = 0;
  soci::indicator found = soci::i_null;
  // SQLite has no row locks: one writer at a time holds the database anyway.
  std::string lock = sql.get_backend_name() == "postgresql" ? " FOR UPDATE" : "";
  sql << "SELECT fence FROM entity_leases WHERE entity_id = :e" + lock, soci::use(entity),
      soci::into(current, found);
  if (!sql.got_data() || found != soci::i_ok || current != fence) {
    throw store_error(errc::conflict, "another cluster member took " + entity + " over");
  }
}

}  // namespace sb::persistence
