#include "persistence/identity/node_settings.hpp"

#include <soci/soci.h>

#include <string>

namespace sb::persistence {

namespace {

constexpr const char* kHost = "smtp.host";
constexpr const char* kPort = "smtp.port";
constexpr const char* kUser = "smtp.user";
constexpr const char* kPassword = "smtp.password";
constexpr const char* kFrom = "smtp.from";

void put(soci::session& sql, const std::string& name, const std::optional<std::string>& value,
         int64_t now_us) {
  sql << "DELETE FROM node_settings WHERE name = :n", soci::use(name);
  if (value) {
    sql << "INSERT INTO node_settings (name, value, updated_at_us) VALUES (:n, :v, :u)",
        soci::use(name), soci::use(*value), soci::use(now_us);
  }
}

}  // namespace

smtp_overrides read_smtp_overrides(soci::session& sql) {
  smtp_overrides out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT name, value FROM node_settings WHERE name LIKE 'smtp.%'");
  for (const auto& r : rows) {
    auto name = r.get<std::string>(0);
    auto value = r.get<std::string>(1);
    if (name == kHost) out.host = value;
    if (name == kUser) out.user = value;
    if (name == kPassword) out.sealed_password = value;
    if (name == kFrom) out.from = value;
    if (name == kPort) out.port = std::stoll(value);
  }
  return out;
}

void write_smtp_overrides(soci::session& sql, const smtp_change& c, int64_t now_us) {
  if (c.host) put(sql, kHost, *c.host, now_us);
  if (c.user) put(sql, kUser, *c.user, now_us);
  if (c.sealed_password) put(sql, kPassword, *c.sealed_password, now_us);
  if (c.from) put(sql, kFrom, *c.from, now_us);
  if (c.port) {
    put(sql, kPort, *c.port ? std::optional(std::to_string(**c.port)) : std::nullopt, now_us);
  }
}

}  // namespace sb::persistence
