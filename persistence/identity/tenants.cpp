#include "persistence/identity/tenants.hpp"

#include <soci/soci.h>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/filtered_query.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace {

std::vector<tenant_record> read_tenants(soci::rowset<soci::row>& rows) {
  return read_rows(rows, [](const row_reader& in) {
    return tenant_record{in.str("id"), in.str("name"), in.str("status"), in.i64("created_at_us"),
                         in.i64("updated_at_us")};
  });
}

}  // namespace

tenant_record create_tenant(soci::session& sql, const std::string& name) {
  tenant_record t{crypto::random_uuid(), name, "active", now_us(), 0};
  t.updated_at_us = t.created_at_us;
  long long at = t.created_at_us;
  sql << "INSERT INTO tenants (id, name, status, created_at_us, updated_at_us) "
         "VALUES (:id, :n, :s, :c, :u)",
      soci::use(t.id), soci::use(t.name), soci::use(t.status), soci::use(at), soci::use(at);
  return t;
}

std::string tenant_named(soci::session& sql, const std::string& name) {
  std::string id;
  soci::indicator ind = soci::i_null;
  sql << "SELECT id FROM tenants WHERE name = :n AND deleted_at_us IS NULL ORDER BY "
         "created_at_us, id LIMIT 1",
      soci::use(name), soci::into(id, ind);
  if (sql.got_data() && ind == soci::i_ok) return id;
  return create_tenant(sql, name).id;
}

std::optional<tenant_record> find_tenant(soci::session& sql, const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, name, status, created_at_us, updated_at_us FROM tenants "
                      "WHERE id = :id AND deleted_at_us IS NULL",
       soci::use(id));
  auto list = read_tenants(rows);
  if (list.empty()) return std::nullopt;
  return list.front();
}

tenant_page list_tenants(soci::session& sql, int64_t page, int64_t limit) {
  filtered_query tenants("FROM tenants");
  tenants.where("deleted_at_us IS NULL");
  tenant_page out;
  out.total = tenants.count(sql);
  auto rows = tenants.page(sql, "id, name, status, created_at_us, updated_at_us",
                           "created_at_us, id", limit, (page - 1) * limit);
  out.items = read_tenants(rows);
  return out;
}

tenant_record update_tenant(soci::session& sql, const std::string& id,
                            const std::optional<std::string>& name,
                            const std::optional<std::string>& status) {
  auto t = find_tenant(sql, id);
  if (!t) throw store_error(errc::not_found, "no such tenant");
  if (name) t->name = *name;
  if (status) t->status = *status;
  t->updated_at_us = now_us();
  long long at = t->updated_at_us;
  sql << "UPDATE tenants SET name = :n, status = :s, updated_at_us = :u WHERE id = :id",
      soci::use(t->name), soci::use(t->status), soci::use(at), soci::use(t->id);
  return *t;
}

}  // namespace sb::persistence
