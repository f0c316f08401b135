#include "persistence/cti/voicemails.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "config/ground/crypto.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kColumns =
    "id, app_id, dialpad_call_id, dialpad_user_id, from_number, to_number, recording_url, "
    "transcript, duration_seconds, created_at_us, updated_at_us";
const std::string kSelect = fmt::format("SELECT {} FROM voicemails ", kColumns);

voicemail read_voicemail(const soci::row& r) {
  row_reader in(r);
  voicemail v;
  v.id = in.str("id");
  v.app_id = in.str("app_id");
  v.dialpad_call_id = in.opt_i64("dialpad_call_id");
  v.dialpad_user_id = in.opt_i64("dialpad_user_id");
  v.from_number = in.opt_str("from_number");
  v.to_number = in.opt_str("to_number");
  v.recording_url = in.opt_str("recording_url");
  v.transcript = in.opt_str("transcript");
  v.duration_seconds = in.opt_i64("duration_seconds");
  v.created_at_us = in.i64("created_at_us");
  v.updated_at_us = in.i64("updated_at_us");
  return v;
}

std::optional<voicemail> of_call(soci::session& sql, const std::string& app_id, int64_t call_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect << "WHERE app_id = :a AND dialpad_call_id = :c", soci::use(app_id),
       soci::use(call_id));
  for (const auto& r : rows) return read_voicemail(r);
  return std::nullopt;
}

}  // namespace

std::optional<voicemail> upsert_voicemail(soci::session& sql, const std::string& app_id,
                                          const std::string& tenant_id,
                                          const dialpad::call_event& e, int64_t now_us) {
  auto existing = of_call(sql, app_id, e.call_id);
  if (!e.voicemail_url && !(existing && e.transcript)) return std::nullopt;
  auto v = existing.value_or(voicemail{});
  if (!existing) {
    v.id = crypto::random_uuid();
    v.app_id = app_id;
    v.dialpad_call_id = e.call_id;
    v.created_at_us = now_us;
  }
  if (e.voicemail_url) v.recording_url = e.voicemail_url;
  if (e.transcript) v.transcript = e.transcript;
  if (!v.dialpad_user_id) v.dialpad_user_id = e.target_user_id;
  if (!v.from_number) v.from_number = e.from_number();
  if (!v.to_number) v.to_number = e.to_number();
  if (e.duration_ms && *e.duration_ms > 0)
    v.duration_seconds = dialpad::seconds_of_ms(*e.duration_ms);
  v.updated_at_us = now_us;
  nullable_text from(v.from_number), to(v.to_number), url(v.recording_url),
      transcript(v.transcript);
  int64_t user = v.dialpad_user_id.value_or(0), secs = v.duration_seconds.value_or(0);
  soci::indicator user_ind = v.dialpad_user_id ? soci::i_ok : soci::i_null;
  soci::indicator secs_ind = v.duration_seconds ? soci::i_ok : soci::i_null;
  sql << "INSERT INTO voicemails (id, app_id, tenant_id, dialpad_call_id, dialpad_user_id, "
         "from_number, to_number, recording_url, transcript, duration_seconds, created_at_us, "
         "updated_at_us) VALUES (:id, :a, :t, :c, :u, :f, :to, :r, :tr, :d, :cr, :up) ON "
         "CONFLICT (app_id, dialpad_call_id) DO UPDATE SET dialpad_user_id = "
         "excluded.dialpad_user_id, from_number = excluded.from_number, to_number = "
         "excluded.to_number, recording_url = excluded.recording_url, transcript = "
         "excluded.transcript, duration_seconds = excluded.duration_seconds, updated_at_us = "
         "excluded.updated_at_us",
      soci::use(v.id), soci::use(app_id), soci::use(tenant_id), soci::use(e.call_id),
      soci::use(user, user_ind), soci::use(from.value, from.indicator),
      soci::use(to.value, to.indicator), soci::use(url.value, url.indicator),
      soci::use(transcript.value, transcript.indicator), soci::use(secs, secs_ind),
      soci::use(v.created_at_us), soci::use(v.updated_at_us);
  return v;
}

voicemail_page list_voicemails(soci::session& sql, const std::string& app_id,
                               const std::optional<int64_t>& dialpad_user_id, int64_t limit,
                               int64_t offset) {
  filtered_query voicemails("FROM voicemails");
  voicemails.where("app_id = ?", {app_id}).where_set("dialpad_user_id = ?", dialpad_user_id);
  voicemail_page page;
  page.total = voicemails.count(sql);
  auto rows = voicemails.page(sql, kColumns, "created_at_us DESC, id", limit, offset);
  for (const auto& r : rows) page.items.push_back(read_voicemail(r));
  return page;
}

std::optional<voicemail> find_voicemail(soci::session& sql, const std::string& app_id,
                                        const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::rowset<soci::row> rows = (sql.prepare << kSelect << "WHERE app_id = :a AND id = :id",
                                  soci::use(app_id), soci::use(id));
  for (const auto& r : rows) return read_voicemail(r);
  return std::nullopt;
}

bool delete_voicemail(soci::session& sql, const std::string& app_id, const std::string& id) {
  if (!crypto::is_uuid(id)) return false;
  soci::statement st = (sql.prepare << "DELETE FROM voicemails WHERE app_id = :a AND id = :id",
                        soci::use(app_id), soci::use(id));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace sb::persistence
