#include "persistence/outbox.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

void enqueue_email(soci::session& sql, const std::optional<std::string>& tenant_id,
                   const std::string& to, const std::string& subject, const std::string& body) {
  nullable_text tenant(tenant_id);
  long long now = now_us();
  sql << "INSERT INTO email_outbox (tenant_id, to_address, subject, body, created_at_us, "
         "next_attempt_at_us) VALUES (:t, :to, :s, :b, :c, :n)",
      soci::use(tenant.value, tenant.indicator), soci::use(to), soci::use(subject), soci::use(body),
      soci::use(now), soci::use(now);
}

std::vector<outbound_email> due_emails(soci::session& sql, int64_t now, int64_t limit) {
  filtered_query due("FROM email_outbox");
  due.where("sent_at_us IS NULL AND failed_at_us IS NULL").where("next_attempt_at_us <= ?", {now});
  auto rows = due.page(sql, "id, tenant_id, to_address, subject, body, attempts", "id", limit, 0);
  return read_rows(rows, [](const row_reader& in) {
    return outbound_email{in.i64("id"),      in.opt_str("tenant_id"), in.str("to_address"),
                          in.str("subject"), in.str("body"),          in.i64("attempts")};
  });
}

void mark_email_sent(soci::session& sql, int64_t id, int64_t at_us) {
  long long key = id, at = at_us;
  sql << "UPDATE email_outbox SET sent_at_us = :a, attempts = attempts + 1 WHERE id = :id",
      soci::use(at), soci::use(key);
}

void mark_email_failed(soci::session& sql, int64_t id, const std::string& error,
                       std::optional<int64_t> retry_at_us) {
  long long key = id;
  if (retry_at_us) {
    long long at = *retry_at_us;
    sql << "UPDATE email_outbox SET attempts = attempts + 1, last_error = :e, "
           "next_attempt_at_us = :n WHERE id = :id",
        soci::use(error), soci::use(at), soci::use(key);
  } else {
    long long now = now_us();
    sql << "UPDATE email_outbox SET attempts = attempts + 1, last_error = :e, "
           "failed_at_us = :f WHERE id = :id",
        soci::use(error), soci::use(now), soci::use(key);
  }
}

}  // namespace sb::persistence
