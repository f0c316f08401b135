#include "persistence/cti/user_mappings.hpp"

#include <fmt/format.h>
#include <soci/soci.h>

#include "config/ground/crypto.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

constexpr const char* kColumns =
    "id, app_id, dialpad_user_id, crm_user_id, created_at_us, updated_at_us";
const std::string kSelect = fmt::format("SELECT {} FROM dialpad_user_mappings ", kColumns);

user_mapping read_mapping(const soci::row& r) {
  row_reader in(r);
  return {in.str("id"),          in.str("app_id"),        in.i64("dialpad_user_id"),
          in.str("crm_user_id"), in.i64("created_at_us"), in.i64("updated_at_us")};
}

template <class Rows>
std::vector<user_mapping> read_all(Rows& rows) {
  std::vector<user_mapping> out;
  for (const auto& r : rows) out.push_back(read_mapping(r));
  return out;
}

bool deleted(soci::statement& st) {
  st.execute(true);
  return st.get_affected_rows() > 0;
}

}  // namespace

user_mapping upsert_user_mapping(soci::session& sql, const std::string& app_id,
                                 const std::string& tenant_id, int64_t dialpad_user_id,
                                 const std::string& crm_user_id, int64_t now_us) {
  auto id = crypto::random_uuid();
  sql << "INSERT INTO dialpad_user_mappings (id, app_id, tenant_id, dialpad_user_id, "
         "crm_user_id, created_at_us, updated_at_us) VALUES (:id, :a, :t, :d, :c, :n, :n2) ON "
         "CONFLICT (app_id, dialpad_user_id) DO UPDATE SET crm_user_id = excluded.crm_user_id, "
         "updated_at_us = excluded.updated_at_us",
      soci::use(id), soci::use(app_id), soci::use(tenant_id), soci::use(dialpad_user_id),
      soci::use(crm_user_id), soci::use(now_us), soci::use(now_us);
  return *mapping_by_dialpad_id(sql, app_id, dialpad_user_id);
}

user_mapping_page list_user_mappings(soci::session& sql, const std::string& app_id, int64_t limit,
                                     int64_t offset) {
  filtered_query mappings("FROM dialpad_user_mappings");
  mappings.where("app_id = ?", {app_id});
  user_mapping_page page;
  page.total = mappings.count(sql);
  auto rows = mappings.page(sql, kColumns, "created_at_us, id", limit, offset);
  page.items = read_all(rows);
  return page;
}

std::optional<user_mapping> mapping_by_dialpad_id(soci::session& sql, const std::string& app_id,
                                                  int64_t dialpad_user_id) {
  soci::row row;  // a one-time query: it is on the webhook processing path
  sql << std::string(kSelect) + "WHERE app_id = :a AND dialpad_user_id = :d", soci::use(app_id),
      soci::use(dialpad_user_id), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return read_mapping(row);
}

std::vector<user_mapping> mappings_by_crm_id(soci::session& sql, const std::string& app_id,
                                             const std::string& crm_user_id) {
  soci::rowset<soci::row> rows =
      (sql.prepare << kSelect << "WHERE app_id = :a AND crm_user_id = :c ORDER BY dialpad_user_id",
       soci::use(app_id), soci::use(crm_user_id));
  return read_all(rows);
}

bool delete_user_mapping(soci::session& sql, const std::string& app_id, const std::string& id) {
  if (!crypto::is_uuid(id)) return false;
  soci::statement st =
      (sql.prepare << "DELETE FROM dialpad_user_mappings WHERE app_id = :a AND id = :id",
       soci::use(app_id), soci::use(id));
  return deleted(st);
}

bool delete_user_mapping_by_dialpad_id(soci::session& sql, const std::string& app_id,
                                       int64_t dialpad_user_id) {
  soci::statement st =
      (sql.prepare << "DELETE FROM dialpad_user_mappings WHERE app_id = :a AND dialpad_user_id = "
                      ":d",
       soci::use(app_id), soci::use(dialpad_user_id));
  return deleted(st);
}

}  // namespace sb::persistence
