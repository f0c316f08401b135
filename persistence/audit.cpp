#include "persistence/audit.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

audit_log_page query(soci::session& sql, const std::string& tenant_clause,
                     const std::string& tenant, const audit_filter& f) {
  std::string action = f.action, actor = f.actor_id, target = f.target_id;
  long long since = f.since_us, until = f.until_us;
  const std::string where =
      " FROM audit_log WHERE " + tenant_clause +
      " AND (CAST(:a1 AS TEXT) = '' OR action = :a2)"
      " AND (CAST(:u1 AS TEXT) = '' OR actor_id = :u2)"
      " AND (CAST(:g1 AS TEXT) = '' OR target_id = :g2)"
      " AND created_at_us >= :since AND (CAST(:u0 AS BIGINT) = 0 OR created_at_us <= :until)";
  audit_log_page page;
  long long total = 0;
  sql << "SELECT COUNT(*)" << where, soci::use(tenant), soci::use(action), soci::use(action),
      soci::use(actor), soci::use(actor), soci::use(target), soci::use(target), soci::use(since),
      soci::use(until), soci::use(until), soci::into(total);
  page.total = total;
  long long lim = f.limit, off = (f.page - 1) * f.limit;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, tenant_id, actor_kind, actor_id, action, target_kind, "
                      "target_id, summary, ip, created_at_us"
                   << where << " ORDER BY created_at_us DESC, id DESC LIMIT :l OFFSET :o",
       soci::use(tenant), soci::use(action), soci::use(action), soci::use(actor), soci::use(actor),
       soci::use(target), soci::use(target), soci::use(since), soci::use(until), soci::use(until),
       soci::use(lim), soci::use(off));
  for (const auto& r : rows) {
    row_reader in(r);
    page.items.push_back({in.i64("id"), in.opt_str("tenant_id"), in.str("actor_kind"),
                          in.opt_str("actor_id"), in.str("action"), in.opt_str("target_kind"),
                          in.opt_str("target_id"), in.str("summary"), in.opt_str("ip"),
                          in.i64("created_at_us")});
  }
  return page;
}

}  // namespace

void append_audit(soci::session& sql, audit_entry e) {
  nullable_text tenant(e.tenant_id), actor(e.actor_id), target_kind(e.target_kind),
      target(e.target_id), ip(e.ip);
  long long at = e.created_at_us ? e.created_at_us : now_us();
  sql << "INSERT INTO audit_log (tenant_id, actor_kind, actor_id, action, target_kind, "
         "target_id, summary, ip, created_at_us) VALUES (:t, :ak, :a, :act, :tk, :ti, :s, :ip, "
         ":c)",
      soci::use(tenant.value, tenant.indicator), soci::use(e.actor_kind),
      soci::use(actor.value, actor.indicator), soci::use(e.action),
      soci::use(target_kind.value, target_kind.indicator),
      soci::use(target.value, target.indicator), soci::use(e.summary),
      soci::use(ip.value, ip.indicator), soci::use(at);
}

audit_log_page list_audit(soci::session& sql, const tenant_scope& scope, const audit_filter& f) {
  return query(sql, "tenant_id = :t", scope.tenant_id(), f);
}

audit_log_page list_platform_audit(soci::session& sql, const audit_filter& f) {
  // The bound value is unused; binding it keeps one statement shape for both queries.
  return query(sql, "(tenant_id IS NULL AND CAST(:t AS TEXT) = '')", "", f);
}

}  // namespace sb::persistence
