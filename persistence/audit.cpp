#include "persistence/audit.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

/// One page of `entries` (the audit_log rows a scope may see) under the filter's conditions.
audit_log_page query(soci::session& sql, filtered_query entries, const audit_filter& f) {
  entries.where_set("action = ?", f.action)
      .where_set("actor_id = ?", f.actor_id)
      .where_set("target_id = ?", f.target_id)
      .where_set("created_at_us >= ?", f.since_us)
      .where_set("created_at_us <= ?", f.until_us);
  audit_log_page page;
  page.total = entries.count(sql);
  auto rows = entries.page(sql,
                           "id, tenant_id, actor_kind, actor_id, action, target_kind, target_id, "
                           "summary, ip, created_at_us",
                           "created_at_us DESC, id DESC", f.limit, (f.page - 1) * f.limit);
  page.items = read_rows(rows, [](const row_reader& in) {
    return audit_entry{in.i64("id"),
                       in.opt_str("tenant_id"),
                       in.str("actor_kind"),
                       in.opt_str("actor_id"),
                       in.str("action"),
                       in.opt_str("target_kind"),
                       in.opt_str("target_id"),
                       in.str("summary"),
                       in.opt_str("ip"),
                       in.i64("created_at_us")};
  });
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
  return query(sql, filtered_query("FROM audit_log").where("tenant_id = ?", {scope.tenant_id()}),
               f);
}

audit_log_page list_platform_audit(soci::session& sql, const audit_filter& f) {
  return query(sql, filtered_query("FROM audit_log").where("tenant_id IS NULL"), f);
}

}  // namespace sb::persistence
