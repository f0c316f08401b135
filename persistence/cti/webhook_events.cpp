#include "persistence/cti/webhook_events.hpp"

#include <soci/soci.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "persistence/connection.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kColumns =
    "id, app_id, tenant_id, call_id, state, event_timestamp_ms, signing, payload, status, "
    "attempts, last_error, next_attempt_at_us, received_at_us, processed_at_us";
const std::string kSelect = fmt::format("SELECT {} FROM webhook_events ", kColumns);

webhook_event read_event(const soci::row& r) {
  row_reader in(r);
  webhook_event e;
  e.id = in.i64("id");
  e.app_id = in.str("app_id");
  e.tenant_id = in.str("tenant_id");
  e.call_id = in.opt_i64("call_id");
  e.state = in.opt_str("state");
  e.event_timestamp_ms = in.opt_i64("event_timestamp_ms");
  e.signing = in.str("signing");
  e.payload = in.str("payload");
  e.status = in.str("status");
  e.attempts = in.i64("attempts");
  e.last_error = in.opt_str("last_error");
  e.next_attempt_at_us = in.i64("next_attempt_at_us");
  e.received_at_us = in.i64("received_at_us");
  e.processed_at_us = in.opt_i64("processed_at_us");
  return e;
}

template <class Rows>
std::vector<webhook_event> read_all(Rows& rows) {
  std::vector<webhook_event> out;
  for (const auto& r : rows) out.push_back(read_event(r));
  return out;
}

}  // namespace

namespace {

/// The stored id of a delivery already in the table.
int64_t stored_id(soci::session& sql, const std::string& app_id, const std::string& key) {
  int64_t id = 0;
  sql << "SELECT id FROM webhook_events WHERE app_id = :a AND dedupe_key = :k", soci::use(app_id),
      soci::use(key), soci::into(id);
  return id;
}

}  // namespace

std::vector<webhook_insert> insert_webhook_events(soci::session& sql,
                                                  const std::vector<webhook_delivery>& batch) {
  std::vector<webhook_insert> out(batch.size());
  if (batch.empty()) return out;
  const auto& app_id = batch.front().event.app_id;
  // Repeats inside the batch are duplicates of their first occurrence.
  std::map<std::string, size_t> first;
  std::vector<size_t> fresh;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (first.emplace(batch[i].dedupe_key, i).second) fresh.push_back(i);
  }
  // Values bound per row; they must outlive the statement.
  struct row_binds {
    int64_t call_id, ts;
    soci::indicator call_ind, ts_ind, state_ind;
    std::string state;
  };
  std::vector<row_binds> binds(fresh.size());
  std::string text =
      "INSERT INTO webhook_events (app_id, tenant_id, dedupe_key, call_id, state, "
      "event_timestamp_ms, signing, payload, status, next_attempt_at_us, received_at_us) VALUES ";
  soci::statement st(sql);
  st.alloc();
  for (size_t n = 0; n < fresh.size(); ++n) {
    const auto& d = batch[fresh[n]];
    const auto& e = d.event;
    auto& b = binds[n];
    b.call_id = e.call_id.value_or(0);
    b.call_ind = e.call_id ? soci::i_ok : soci::i_null;
    b.ts = e.event_timestamp_ms.value_or(0);
    b.ts_ind = e.event_timestamp_ms ? soci::i_ok : soci::i_null;
    b.state = e.state.value_or("");
    b.state_ind = e.state ? soci::i_ok : soci::i_null;
    text += n ? ", " : "";
    text += fmt::format(
        "(:a{0}, :t{0}, :k{0}, :c{0}, :s{0}, :ts{0}, :g{0}, :p{0}, 'pending', :n{0}, :r{0})", n);
    st.exchange(soci::use(e.app_id));
    st.exchange(soci::use(e.tenant_id));
    st.exchange(soci::use(d.dedupe_key));
    st.exchange(soci::use(b.call_id, b.call_ind));
    st.exchange(soci::use(b.state, b.state_ind));
    st.exchange(soci::use(b.ts, b.ts_ind));
    st.exchange(soci::use(e.signing));
    st.exchange(soci::use(e.payload));
    st.exchange(soci::use(e.received_at_us));
    st.exchange(soci::use(e.received_at_us));
  }
  text += " ON CONFLICT (app_id, dedupe_key) DO NOTHING RETURNING id, dedupe_key";
  soci::row row;
  st.exchange(soci::into(row));
  st.prepare(text);
  st.define_and_bind();
  st.execute();
  std::map<std::string, int64_t> inserted;
  while (st.fetch()) {
    row_reader in(row);
    inserted.emplace(in.str("dedupe_key"), in.i64("id"));
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    const auto& key = batch[i].dedupe_key;
    auto it = inserted.find(key);
    bool mine = first.at(key) == i && it != inserted.end();
    out[i].duplicate = !mine;
    out[i].id = it != inserted.end() ? it->second : stored_id(sql, app_id, key);
  }
  return out;
}

std::vector<webhook_event> due_webhook_events(soci::session& sql, const std::string& app_id,
                                              int64_t now_us, int64_t limit) {
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect
                   << "WHERE app_id = :a AND status IN ('pending', 'failed') AND "
                      "next_attempt_at_us <= :n ORDER BY id LIMIT :l",
       soci::use(app_id), soci::use(now_us), soci::use(limit));
  return read_all(rows);
}

std::optional<int64_t> next_retry_at(soci::session& sql, const std::string& app_id) {
  int64_t at = 0;
  soci::indicator ind = soci::i_null;
  sql << "SELECT MIN(next_attempt_at_us) FROM webhook_events WHERE app_id = :a AND status = "
         "'failed'",
      soci::use(app_id), soci::into(at, ind);
  if (ind != soci::i_ok) return std::nullopt;
  return at;
}

void mark_webhooks_processed(soci::session& sql, const std::vector<int64_t>& ids, int64_t now_us) {
  if (ids.empty()) return;
  // Ids are integers read from the table: formatting them into the statement is safe.
  sql << fmt::format(
      "UPDATE webhook_events SET status = 'processed', attempts = attempts + 1, "
      "last_error = NULL, processed_at_us = :n WHERE id IN ({})",
      fmt::join(ids, ", ")),
      soci::use(now_us);
}

void record_webhook_failure(soci::session& sql, int64_t id, const std::string& error,
                            int64_t now_us, int64_t backoff_us, int64_t max_attempts,
                            bool permanent) {
  int64_t attempts = 0;
  sql << "SELECT attempts FROM webhook_events WHERE id = :id", soci::use(id), soci::into(attempts);
  ++attempts;
  std::string status = permanent || attempts >= max_attempts ? "dead" : "failed";
  int64_t next = now_us + backoff_us;
  std::string message = error.substr(0, 500);
  sql << "UPDATE webhook_events SET status = :s, attempts = :a, last_error = :e, "
         "next_attempt_at_us = :n WHERE id = :id",
      soci::use(status), soci::use(attempts), soci::use(message), soci::use(next), soci::use(id);
}

webhook_event_page list_webhook_events(soci::session& sql, const std::string& app_id,
                                       const std::string& status, int64_t limit, int64_t offset) {
  filtered_query events("FROM webhook_events");
  events.where("app_id = ?", {app_id}).where_set("status = ?", status);
  webhook_event_page page;
  page.total = events.count(sql);
  auto rows = events.page(sql, kColumns, "id DESC", limit, offset);
  page.items = read_all(rows);
  return page;
}

webhook_event replay_webhook_event(soci::session& sql, const std::string& app_id, int64_t id,
                                   int64_t now_us) {
  soci::rowset<soci::row> rows = (sql.prepare << kSelect << "WHERE app_id = :a AND id = :id",
                                  soci::use(app_id), soci::use(id));
  auto found = read_all(rows);
  if (found.empty()) throw store_error(errc::not_found, "no such webhook event");
  if (found[0].status != "failed" && found[0].status != "dead") {
    throw store_error(errc::conflict, "only failed or dead events can be replayed");
  }
  sql << "UPDATE webhook_events SET status = 'pending', attempts = 0, next_attempt_at_us = :n "
         "WHERE id = :id",
      soci::use(now_us), soci::use(id);
  found[0].status = "pending";
  found[0].attempts = 0;
  found[0].next_attempt_at_us = now_us;
  return found[0];
}

std::vector<std::string> apps_with_pending_webhooks(soci::session& sql) {
  soci::rowset<std::string> rows =
      (sql.prepare << "SELECT DISTINCT app_id FROM webhook_events WHERE status IN ('pending', "
                      "'failed')");
  return {rows.begin(), rows.end()};
}

std::vector<webhook_stream_stats> webhook_stream_stats_all(soci::session& sql) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT app_id, status, COUNT(*) AS n, MIN(received_at_us) AS oldest FROM "
                      "webhook_events WHERE status IN ('pending', 'failed', 'dead') GROUP BY "
                      "app_id, status ORDER BY app_id");
  std::vector<webhook_stream_stats> out;
  for (const auto& r : rows) {
    row_reader in(r);
    auto app = in.str("app_id");
    if (out.empty() || out.back().app_id != app) {
      out.emplace_back();
      out.back().app_id = app;
    }
    auto& s = out.back();
    auto status = in.str("status");
    auto n = in.i64("n");
    if (status == "dead") {
      s.dead = n;
      continue;
    }
    s.pending += n;
    if (status == "failed") s.failed = n;
    auto oldest = in.i64("oldest");
    s.oldest_pending_us = s.oldest_pending_us ? std::min(*s.oldest_pending_us, oldest) : oldest;
  }
  return out;
}

}  // namespace sb::persistence
