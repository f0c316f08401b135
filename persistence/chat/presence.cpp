#include "persistence/chat/presence.hpp"

#include <soci/soci.h>

#include <algorithm>

#include "config/ground/crypto.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

std::optional<int64_t> last_seen(soci::session& sql, const tenant_scope& scope,
                                 const std::string& user) {
  soci::row row;
  sql << "SELECT last_seen_at_us FROM users WHERE tenant_id = :t AND id = :u",
      soci::use(scope.tenant_id()), soci::use(user), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return row_reader(row).opt_i64("last_seen_at_us");
}

void record_last_seen(soci::session& sql, const tenant_scope& scope, const std::string& user,
                      int64_t at_us) {
  sql << "UPDATE users SET last_seen_at_us = :at WHERE tenant_id = :t AND id = :u",
      soci::use(at_us), soci::use(scope.tenant_id()), soci::use(user);
}

std::vector<std::string> presence_watch_list(soci::session& sql, const tenant_scope& scope,
                                             const std::string& user, int64_t limit,
                                             bool tenant_contacts) {
  std::vector<std::string> out;
  {
    soci::rowset<soci::row> rows =
        // Not through talk-group channels: a channel of 5,000 listeners would make 25 million
        // watches, and a PTT client shows who is on the air, not who is online.
        (sql.prepare << "SELECT DISTINCT other.user_id FROM chat_members mine "
                        "JOIN chat_conversations c ON c.id = mine.conversation_id "
                        "JOIN chat_members other ON other.conversation_id = mine.conversation_id "
                        "WHERE mine.tenant_id = :t AND mine.user_id = :u AND c.kind <> 'channel' "
                        "AND other.user_id <> :u2 LIMIT :n",
         soci::use(scope.tenant_id()), soci::use(user), soci::use(user), soci::use(limit));
    out = read_rows(rows, [](const row_reader& in) { return in.str("user_id"); });
  }
  if (!tenant_contacts) return out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id FROM users WHERE tenant_id = :t AND id <> :u "
                      "AND deleted_at_us IS NULL ORDER BY display_name, id LIMIT :n",
       soci::use(scope.tenant_id()), soci::use(user), soci::use(limit));
  for (const auto& r : rows) {
    if (static_cast<int64_t>(out.size()) >= limit) break;
    auto id = row_reader(r).str("id");
    if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(std::move(id));
  }
  return out;
}

std::vector<std::string> tenant_users(soci::session& sql, const tenant_scope& scope,
                                      const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    // Not a uuid: no user has it (and PostgreSQL would refuse to compare it with one).
    if (!crypto::is_uuid(id) || std::find(out.begin(), out.end(), id) != out.end()) continue;
    long long found = 0;
    sql << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND id = :u AND deleted_at_us IS NULL",
        soci::use(scope.tenant_id()), soci::use(id), soci::into(found);
    if (found > 0) out.push_back(id);
  }
  return out;
}

}  // namespace sb::persistence
