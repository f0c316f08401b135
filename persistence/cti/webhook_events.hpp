#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace soci {
class session;
}

namespace sb::persistence {

/// A Dialpad delivery as received and verified: the raw claims, committed before the 200.
struct webhook_event {
  int64_t id = 0;  ///< arrival order within the app
  std::string app_id;
  std::string tenant_id;
  std::optional<int64_t> call_id;
  std::optional<std::string> state;
  std::optional<int64_t> event_timestamp_ms;
  std::string signing;  ///< jwt, hmac, unsigned
  std::string payload;  ///< the claims, as JSON
  std::string status;   ///< pending, processed, failed (will retry), dead
  int64_t attempts = 0;
  std::optional<std::string> last_error;
  int64_t next_attempt_at_us = 0;
  int64_t received_at_us = 0;
  std::optional<int64_t> processed_at_us;
};

/// A verified delivery and the key its retries share.
struct webhook_delivery {
  webhook_event event;
  std::string dedupe_key;
};

struct webhook_insert {
  int64_t id = 0;
  bool duplicate = false;  ///< the same delivery (dedupe key) was stored before
};

/// Stores deliveries of one app in arrival order, one statement for the lot, skipping those
/// whose dedupe key is already stored (or repeated earlier in the batch). The answer is
/// aligned with `batch`.
std::vector<webhook_insert> insert_webhook_events(soci::session& sql,
                                                  const std::vector<webhook_delivery>& batch);

/// Up to `limit` events of the app due for processing at `now_us` (pending, or failed and due
/// for a retry), in arrival order.
std::vector<webhook_event> due_webhook_events(soci::session& sql, const std::string& app_id,
                                              int64_t now_us, int64_t limit);

/// When the app's next failed event is due for a retry, if any.
std::optional<int64_t> next_retry_at(soci::session& sql, const std::string& app_id);

/// Marks events processed (in the transaction that applied them).
void mark_webhooks_processed(soci::session& sql, const std::vector<int64_t>& ids, int64_t now_us);

/// Records a failed attempt: `failed` with the next attempt after `backoff_us`, or `dead` once
/// `attempts` reaches `max_attempts` (or at once when `permanent`).
void record_webhook_failure(soci::session& sql, int64_t id, const std::string& error,
                            int64_t now_us, int64_t backoff_us, int64_t max_attempts,
                            bool permanent);

struct webhook_event_page {
  std::vector<webhook_event> items;
  int64_t total = 0;
};

/// The app's events with `status` (any when empty), newest first.
webhook_event_page list_webhook_events(soci::session& sql, const std::string& app_id,
                                       const std::string& status, int64_t limit, int64_t offset);

/// Puts a failed or dead event back in the queue with a fresh attempt budget. Throws
/// store_error(not_found) for an unknown event or one of another app, and (conflict) for an
/// event that is not failed or dead.
webhook_event replay_webhook_event(soci::session& sql, const std::string& app_id, int64_t id,
                                   int64_t now_us);

/// Apps with events still to process (at startup: their streams resume).
std::vector<std::string> apps_with_pending_webhooks(soci::session& sql);

/// Per-app stream figures for /health and /metrics.
struct webhook_stream_stats {
  std::string app_id;
  int64_t pending = 0;  ///< waiting, failed-and-retrying included
  int64_t failed = 0;   ///< retrying
  int64_t dead = 0;
  std::optional<int64_t> oldest_pending_us;  ///< received_at of the oldest waiting event
};

std::vector<webhook_stream_stats> webhook_stream_stats_all(soci::session& sql);

}  // namespace sb::persistence
