#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// A message waiting to be sent. Mail is written to the outbox in the same transaction as the
/// change that causes it (a reset token, an invite), so it is sent if and only if the change
/// committed; the mailer drains the outbox over SMTP.
struct outbound_email {
  int64_t id = 0;
  std::optional<std::string> tenant_id;
  std::string to;
  std::string subject;
  std::string body;
  int64_t attempts = 0;
};

void enqueue_email(soci::session& sql, const std::optional<std::string>& tenant_id,
                   const std::string& to, const std::string& subject, const std::string& body);

/// Up to `limit` messages due for a (re)try at `now_us`, oldest first.
std::vector<outbound_email> due_emails(soci::session& sql, int64_t now_us, int64_t limit);

void mark_email_sent(soci::session& sql, int64_t id, int64_t at_us);

/// Records a failed attempt: retried at `retry_at_us`, or given up when it is nullopt.
void mark_email_failed(soci::session& sql, int64_t id, const std::string& error,
                       std::optional<int64_t> retry_at_us);

}  // namespace sb::persistence
