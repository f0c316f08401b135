#include "persistence/cti/calls.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "config/ground/crypto.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kColumns =
    "id, app_id, tenant_id, dialpad_call_id, direction, from_number, to_number, status, state, "
    "phase, state_timestamp_ms, dialpad_user_id, started_at_ms, connected_at_ms, ended_at_ms, "
    "duration_ms, recording_url, created_at_us, updated_at_us";
const std::string kSelect = fmt::format("SELECT {} FROM cti_calls ", kColumns);

cti_call read_call(const soci::row& r) {
  row_reader in(r);
  cti_call c;
  c.id = in.str("id");
  c.app_id = in.str("app_id");
  c.tenant_id = in.str("tenant_id");
  c.dialpad_call_id = in.i64("dialpad_call_id");
  c.direction = in.opt_str("direction");
  c.from_number = in.opt_str("from_number");
  c.to_number = in.opt_str("to_number");
  c.status = in.str("status");
  c.state = in.str("state");
  c.phase = static_cast<int>(in.i64("phase"));
  c.state_timestamp_ms = in.opt_i64("state_timestamp_ms");
  c.dialpad_user_id = in.opt_i64("dialpad_user_id");
  c.started_at_ms = in.opt_i64("started_at_ms");
  c.connected_at_ms = in.opt_i64("connected_at_ms");
  c.ended_at_ms = in.opt_i64("ended_at_ms");
  c.duration_ms = in.opt_i64("duration_ms");
  c.recording_url = in.opt_str("recording_url");
  c.created_at_us = in.i64("created_at_us");
  c.updated_at_us = in.i64("updated_at_us");
  return c;
}

std::optional<cti_call> find_by_dialpad_id(soci::session& sql, const std::string& app_id,
                                           int64_t dialpad_call_id) {
  // A one-time query: on PostgreSQL one round trip, where a prepared one (rowset) takes three.
  soci::row row;
  sql << std::string(kSelect) + "WHERE app_id = :a AND dialpad_call_id = :d", soci::use(app_id),
      soci::use(dialpad_call_id), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return read_call(row);
}

/// Whether a status state moves the call: forward in phase, or within ring/active to a newer
/// (or equal) timestamp. Ended is final.
bool moves(const cti_call& c, dialpad::phase p, const std::optional<int64_t>& ts) {
  auto current = static_cast<dialpad::phase>(c.phase);
  if (p == dialpad::phase::info) return false;
  if (p > current) return true;
  if (p < current || p == dialpad::phase::ended) return false;
  return ts && (!c.state_timestamp_ms || *ts >= *c.state_timestamp_ms);
}

template <class T>
void fill(std::optional<T>& field, const std::optional<T>& value) {
  if (!field && value) field = value;
}

void save(soci::session& sql, const cti_call& c, bool insert) {
  nullable_text direction(c.direction), from(c.from_number), to(c.to_number),
      recording(c.recording_url);
  nullable_i64 ts(c.state_timestamp_ms), user(c.dialpad_user_id), started(c.started_at_ms),
      connected(c.connected_at_ms), ended(c.ended_at_ms), duration(c.duration_ms);
  int phase = c.phase;
  std::string sql_text =
      insert ? "INSERT INTO cti_calls (direction, from_number, to_number, status, state, phase, "
               "state_timestamp_ms, dialpad_user_id, started_at_ms, connected_at_ms, "
               "ended_at_ms, duration_ms, recording_url, updated_at_us, id, app_id, tenant_id, "
               "dialpad_call_id, created_at_us) VALUES (:dir, :f, :t, :st, :s, :p, :ts, :u, "
               ":sa, :ca, :ea, :d, :r, :up, :id, :a, :tn, :dp, :cr)"
             : "UPDATE cti_calls SET direction = :dir, from_number = :f, to_number = :t, status = "
               ":st, state = :s, phase = :p, state_timestamp_ms = :ts, dialpad_user_id = :u, "
               "started_at_ms = :sa, connected_at_ms = :ca, ended_at_ms = :ea, duration_ms = "
               ":d, recording_url = :r, updated_at_us = :up WHERE id = :id";
  soci::statement st(sql);
  st.alloc();
  st.exchange(soci::use(direction.value, direction.indicator));
  st.exchange(soci::use(from.value, from.indicator));
  st.exchange(soci::use(to.value, to.indicator));
  st.exchange(soci::use(c.status));
  st.exchange(soci::use(c.state));
  st.exchange(soci::use(phase));
  st.exchange(soci::use(ts.value, ts.indicator));
  st.exchange(soci::use(user.value, user.indicator));
  st.exchange(soci::use(started.value, started.indicator));
  st.exchange(soci::use(connected.value, connected.indicator));
  st.exchange(soci::use(ended.value, ended.indicator));
  st.exchange(soci::use(duration.value, duration.indicator));
  st.exchange(soci::use(recording.value, recording.indicator));
  st.exchange(soci::use(c.updated_at_us));
  st.exchange(soci::use(c.id));
  if (insert) {
    st.exchange(soci::use(c.app_id));
    st.exchange(soci::use(c.tenant_id));
    st.exchange(soci::use(c.dialpad_call_id));
    st.exchange(soci::use(c.created_at_us));
  }
  st.prepare(sql_text, soci::details::st_one_time_query);  // one round trip, not three
  st.define_and_bind();
  st.execute(true);
}

}  // namespace

applied_call_event apply_call_event(soci::session& sql, const std::string& app_id,
                                    const std::string& tenant_id, const dialpad::call_event& e,
                                    int64_t webhook_event_id, int64_t now_us) {
  applied_call_event out;
  auto existing = find_by_dialpad_id(sql, app_id, e.call_id);
  auto p = dialpad::phase_of(e.state);
  auto& c = out.call;
  if (existing) {
    c = *existing;
  } else {
    c.id = crypto::random_uuid();
    c.app_id = app_id;
    c.tenant_id = tenant_id;
    c.dialpad_call_id = e.call_id;
    c.created_at_us = now_us;
    // A call first seen through an info state (a late recording) still needs a status.
    c.status = p == dialpad::phase::info ? "unknown" : "";
    c.state = e.state;
  }
  out.moved =
      (!existing && p != dialpad::phase::info) || (existing && moves(c, p, e.event_timestamp_ms));
  out.stale = p != dialpad::phase::info && !out.moved;
  if (out.moved) {
    c.status = std::string(dialpad::status_of(e.state));
    c.state = e.state;
    c.phase = static_cast<int>(p);
    c.state_timestamp_ms = e.event_timestamp_ms;
    if (e.date_ended_ms) c.ended_at_ms = e.date_ended_ms;
    if (e.duration_ms && p == dialpad::phase::ended) c.duration_ms = e.duration_ms;
  }
  fill(c.direction, e.direction);
  fill(c.from_number, e.from_number());
  fill(c.to_number, e.to_number());
  fill(c.dialpad_user_id, e.target_user_id);
  fill(c.started_at_ms, e.date_started_ms);
  fill(c.connected_at_ms, e.date_connected_ms);
  fill(c.ended_at_ms, e.date_ended_ms);
  fill(c.duration_ms, p == dialpad::phase::info ? e.duration_ms : std::nullopt);
  if (e.recording_url) c.recording_url = e.recording_url;
  c.updated_at_us = now_us;
  save(sql, c, !existing);
  int applied = out.moved ? 1 : 0;
  nullable_i64 ts(e.event_timestamp_ms);
  sql << "INSERT INTO cti_call_states (call_id, webhook_event_id, state, event_timestamp_ms, "
         "applied, recorded_at_us) VALUES (:c, :w, :s, :ts, :a, :r)",
      soci::use(c.id), soci::use(webhook_event_id), soci::use(e.state),
      soci::use(ts.value, ts.indicator), soci::use(applied), soci::use(now_us);
  return out;
}

call_page list_cti_calls(soci::session& sql, const std::string& app_id, const call_filter& f,
                         int64_t limit, int64_t offset, const std::optional<std::string>& after) {
  filtered_query calls("FROM cti_calls");
  calls.where("app_id = ?", {app_id})
      .where_set("status = ?", f.status)
      .where_set("direction = ?", f.direction)
      .where_set("from_number = ?", f.from_number)
      .where_set("to_number = ?", f.to_number)
      .where_set("dialpad_user_id = ?", f.dialpad_user_id)
      .where_set("started_at_ms >= ?", f.since_ms)
      .where_set("started_at_ms < ?", f.until_ms);
  if (f.active_only) calls.where("phase IN (1, 2)");
  if (f.ended_only) calls.where("phase = 3");
  call_page page;
  page.total = calls.count(sql);
  // Cursor: the page starts after the (started_at, id) of the previous page's last call.
  std::optional<cti_call> previous;
  if (after) previous = find_cti_call(sql, app_id, *after);
  if (previous) {
    long long started = previous->started_at_ms.value_or(0);
    calls.where("COALESCE(started_at_ms, 0) < ? OR (COALESCE(started_at_ms, 0) = ? AND id < ?)",
                {started, started, previous->id});
  }
  // One row past the page says whether there is more.
  auto rows = calls.page(sql, kColumns, "COALESCE(started_at_ms, 0) DESC, id DESC", limit + 1,
                         previous ? 0 : offset);
  for (const auto& r : rows) page.items.push_back(read_call(r));
  page.has_more = static_cast<int64_t>(page.items.size()) > limit;
  if (page.has_more) page.items.pop_back();
  return page;
}

std::optional<cti_call> find_cti_call(soci::session& sql, const std::string& app_id,
                                      const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;  // PostgreSQL would refuse the cast
  soci::rowset<soci::row> rows = (sql.prepare << kSelect << "WHERE app_id = :a AND id = :id",
                                  soci::use(app_id), soci::use(id));
  for (const auto& r : rows) return read_call(r);
  return std::nullopt;
}

std::vector<cti_call_state> cti_call_history(soci::session& sql, const std::string& call_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT webhook_event_id, state, event_timestamp_ms, applied, "
                      "recorded_at_us FROM cti_call_states WHERE call_id = :c ORDER BY "
                      "webhook_event_id",
       soci::use(call_id));
  return read_rows(rows, [](const row_reader& in) {
    return cti_call_state{in.i64("webhook_event_id"), in.str("state"),
                          in.opt_i64("event_timestamp_ms"), in.flag("applied"),
                          in.i64("recorded_at_us")};
  });
}

}  // namespace sb::persistence
