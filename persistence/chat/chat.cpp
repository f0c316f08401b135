#include "persistence/chat/chat.hpp"

#include <soci/soci.h>

#include <algorithm>
#include <limits>
#include <set>

#include "config/ground/crypto.hpp"
#include "persistence/chat/attachments.hpp"
#include "persistence/chat/message_rows.hpp"
#include "persistence/connection.hpp"
#include "persistence/ptt/control_plane.hpp"
#include "persistence/rows.hpp"

namespace sb::persistence {

namespace detail {

chat::message read_message(const row_reader& in) {
  chat::message m;
  m.id = in.str("id");
  m.conversation_id = in.str("conversation_id");
  m.sender_id = in.str("sender_id");
  m.client_msg_id = in.opt_str("client_msg_id");
  m.content = in.str("content");
  m.seq = in.i64("seq");
  m.version = in.i64("version");
  m.created_at_us = in.i64("created_at_us");
  m.edited_at_us = in.opt_i64("edited_at_us");
  m.deleted_at_us = in.opt_i64("deleted_at_us");
  m.attachments = attachments_of(in.opt_str("attachments"));
  return m;
}

}  // namespace detail

namespace {

using detail::kMessageColumns;
using detail::read_message;

chat::member read_member(const row_reader& m) {
  return chat::member{m.str("user_id"), m.i64("read_seq"), m.i64("delivered_seq"),
                      m.i64("version")};
}

/// Messages of a conversation of the scope, `where` binding one integer (:b).
std::vector<chat::message> read_messages(soci::session& sql, const tenant_scope& scope,
                                         const std::string& where,
                                         const std::string& conversation_id, int64_t bound,
                                         int64_t limit) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string("SELECT ") + kMessageColumns +
                          " FROM chat_messages WHERE tenant_id = :t AND conversation_id = :c "
                          "AND " +
                          where + " LIMIT :n",
       soci::use(scope.tenant_id()), soci::use(conversation_id), soci::use(bound),
       soci::use(limit));
  return read_rows(rows, read_message);
}

void require_user(soci::session& sql, const tenant_scope& scope, const std::string& user) {
  long long n = 0;
  if (crypto::is_uuid(user)) {
    sql << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND id = :u AND deleted_at_us IS NULL",
        soci::use(scope.tenant_id()), soci::use(user), soci::into(n);
  }
  if (n == 0) throw store_error(errc::not_found, "no user " + user + " in this tenant");
}

void add_member(soci::session& sql, const tenant_scope& scope, const std::string& conversation_id,
                const std::string& user, int64_t now_us) {
  sql << "INSERT INTO chat_members (conversation_id, user_id, tenant_id, joined_at_us) "
         "VALUES (:c, :u, :t, :now)",
      soci::use(conversation_id), soci::use(user), soci::use(scope.tenant_id()), soci::use(now_us);
}

/// Takes the conversation's next version (and, for a new message, its next seq).
std::pair<int64_t, int64_t> next_version(soci::session& sql, const tenant_scope& scope,
                                         const std::string& conversation_id, bool new_seq) {
  sql << std::string("UPDATE chat_conversations SET version = version + 1") +
             (new_seq ? ", last_seq = last_seq + 1" : "") + " WHERE id = :c AND tenant_id = :t",
      soci::use(conversation_id), soci::use(scope.tenant_id());
  long long seq = 0, version = 0;
  sql << "SELECT last_seq, version FROM chat_conversations WHERE id = :c AND tenant_id = :t",
      soci::use(conversation_id), soci::use(scope.tenant_id()), soci::into(seq),
      soci::into(version);
  if (!sql.got_data()) throw store_error(errc::not_found, "no conversation " + conversation_id);
  return {seq, version};
}

}  // namespace

chat::conversation direct_conversation(soci::session& sql, const tenant_scope& scope,
                                       const std::string& user, const std::string& other,
                                       int64_t now_us) {
  require_user(sql, scope, other);
  auto key = chat::direct_key(user, other);
  std::string id;
  sql << "SELECT id FROM chat_conversations WHERE tenant_id = :t AND direct_key = :k",
      soci::use(scope.tenant_id()), soci::use(key), soci::into(id);
  if (!sql.got_data()) {
    id = crypto::random_uuid();
    sql << "INSERT INTO chat_conversations (id, tenant_id, kind, direct_key, created_by, "
           "created_at_us) VALUES (:i, :t, 'direct', :k, :u, :now)",
        soci::use(id), soci::use(scope.tenant_id()), soci::use(key), soci::use(user),
        soci::use(now_us);
    add_member(sql, scope, id, user, now_us);
    if (other != user) add_member(sql, scope, id, other, now_us);
  }
  return *find_conversation(sql, scope, id);
}

namespace {

/// The conversation and its counters, without its members; nullopt when the tenant has none.
std::optional<chat::conversation> find_conversation_header(soci::session& sql,
                                                           const tenant_scope& scope,
                                                           const std::string& id) {
  if (!crypto::is_uuid(id)) return std::nullopt;
  soci::row row;
  sql << "SELECT id, tenant_id, kind, name, last_seq, version FROM chat_conversations "
         "WHERE id = :i AND tenant_id = :t",
      soci::use(id), soci::use(scope.tenant_id()), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  row_reader in(row);
  chat::conversation c;
  c.id = in.str("id");
  c.tenant_id = in.str("tenant_id");
  c.kind = in.str("kind");
  c.name = in.opt_str("name");
  c.last_seq = in.i64("last_seq");
  c.version = in.i64("version");
  return c;
}

/// What `target` names for `user` when it is no conversation of theirs by that id: a
/// talk-group channel's conversation (a channel's listeners change without the conversation
/// hearing of it at once: a user who is not a member yet may have just joined the channel),
/// or the direct conversation with the user `target`.
chat::conversation resolve_beyond_id(soci::session& sql, const tenant_scope& scope,
                                     const std::string& user, const std::string& target,
                                     bool create, int64_t now_us) {
  auto not_found = [&target] { return store_error(errc::not_found, "no conversation " + target); };
  if (auto channel = channel_conversation(sql, scope, target, now_us)) {
    if (!channel->find(user)) throw not_found();
    return *channel;
  }
  long long users = 0;
  if (crypto::is_uuid(target)) {
    sql << "SELECT COUNT(*) FROM users WHERE tenant_id = :t AND id = :u "
           "AND deleted_at_us IS NULL",
        soci::use(scope.tenant_id()), soci::use(target), soci::into(users);
  }
  if (users == 0) throw store_error(errc::not_found, "no conversation or user " + target);
  if (create) return direct_conversation(sql, scope, user, target, now_us);
  std::string id;
  auto key = chat::direct_key(user, target);  // bound by reference: it must outlive the query
  sql << "SELECT id FROM chat_conversations WHERE tenant_id = :t AND direct_key = :k",
      soci::use(scope.tenant_id()), soci::use(key), soci::into(id);
  // No message yet: an empty conversation that is not stored until the first one.
  if (!sql.got_data()) {
    chat::conversation empty;
    empty.tenant_id = scope.tenant_id();
    empty.kind = "direct";
    empty.members = {{user, 0, 0, 0}, {target, 0, 0, 0}};
    return empty;
  }
  auto conv = find_conversation(sql, scope, id);
  if (!conv || !conv->find(user)) throw not_found();
  return *conv;
}

}  // namespace

chat::conversation resolve_conversation(soci::session& sql, const tenant_scope& scope,
                                        const std::string& user, const std::string& target,
                                        bool create, int64_t now_us) {
  auto conv = find_conversation(sql, scope, target);
  if (conv && conv->find(user)) return *conv;
  if (conv && conv->kind != "channel") {
    throw store_error(errc::not_found, "no conversation " + target);
  }
  return resolve_beyond_id(sql, scope, user, target, create, now_us);
}

std::string resolve_conversation_id(soci::session& sql, const tenant_scope& scope,
                                    const std::string& user, const std::string& target, bool create,
                                    int64_t now_us) {
  // One statement for what almost every send names: a conversation by its id, or the
  // stored direct conversation with a user who is still there. The rest (a first message, a
  // channel's conversation not made yet) takes the long way.
  if (crypto::is_uuid(target)) {
    std::string id;
    auto key = chat::direct_key(user, target);  // bound by reference: it must outlive the query
    sql << "SELECT id FROM chat_conversations WHERE tenant_id = :t AND (id = :c OR "
           "(direct_key = :k AND EXISTS (SELECT 1 FROM users WHERE tenant_id = :t2 AND id = :u "
           "AND deleted_at_us IS NULL))) LIMIT 1",
        soci::use(scope.tenant_id()), soci::use(target), soci::use(key),
        soci::use(scope.tenant_id()), soci::use(target), soci::into(id);
    if (sql.got_data()) return id;
  }
  return resolve_beyond_id(sql, scope, user, target, create, now_us).id;
}

chat::conversation create_group(soci::session& sql, const tenant_scope& scope,
                                const std::string& creator, const std::string& name,
                                const std::vector<std::string>& members, int64_t now_us) {
  auto id = crypto::random_uuid();
  sql << "INSERT INTO chat_conversations (id, tenant_id, kind, name, created_by, created_at_us) "
         "VALUES (:i, :t, 'group', :n, :u, :now)",
      soci::use(id), soci::use(scope.tenant_id()), soci::use(name), soci::use(creator),
      soci::use(now_us);
  std::vector<std::string> all{creator};
  for (const auto& m : members) {
    if (std::find(all.begin(), all.end(), m) == all.end()) all.push_back(m);
  }
  for (const auto& m : all) {
    require_user(sql, scope, m);
    add_member(sql, scope, id, m, now_us);
  }
  return *find_conversation(sql, scope, id);
}

std::optional<chat::conversation> find_conversation(soci::session& sql, const tenant_scope& scope,
                                                    const std::string& id) {
  auto c = find_conversation_header(sql, scope, id);
  if (!c) return std::nullopt;
  soci::rowset<soci::row> rows =
      (sql.prepare
           << "SELECT user_id, read_seq, delivered_seq, version FROM chat_members "
              "WHERE tenant_id = :t AND conversation_id = :i ORDER BY joined_at_us, user_id",
       soci::use(scope.tenant_id()), soci::use(id));
  c->members = read_rows(rows, read_member);
  return c;
}

std::optional<chat::conversation> channel_conversation(soci::session& sql,
                                                       const tenant_scope& scope,
                                                       const std::string& channel_id,
                                                       int64_t now_us) {
  auto channel = find_channel(sql, scope, channel_id);
  auto conv = find_conversation(sql, scope, channel_id);
  if (!channel) return conv;
  if (!conv) {
    sql << "INSERT INTO chat_conversations (id, tenant_id, kind, name, created_by, created_at_us) "
           "VALUES (:i, :t, 'channel', :n, :by, :now)",
        soci::use(channel_id), soci::use(scope.tenant_id()), soci::use(channel->name),
        soci::use(channel_id), soci::use(now_us);
    conv = find_conversation(sql, scope, channel_id);
    if (!conv) return conv;
  }
  auto listeners = channel_listeners(sql, scope, channel_id);
  std::set<std::string> wanted(listeners.begin(), listeners.end());
  bool changed = false;
  for (const auto& m : conv->members) {
    if (wanted.erase(m.user_id)) continue;
    sql << "DELETE FROM chat_members WHERE tenant_id = :t AND conversation_id = :c AND "
           "user_id = :u",
        soci::use(scope.tenant_id()), soci::use(channel_id), soci::use(m.user_id);
    changed = true;
  }
  for (const auto& user : wanted) {
    add_member(sql, scope, channel_id, user, now_us);
    changed = true;
  }
  return changed ? find_conversation(sql, scope, channel_id) : conv;
}

std::optional<chat::conversation> load_conversation(soci::session& sql, const tenant_scope& scope,
                                                    const std::string& id, int64_t now_us) {
  auto conv = find_conversation(sql, scope, id);
  if (conv && conv->kind != "channel") return conv;
  return channel_conversation(sql, scope, id, now_us);
}

appended append_message(soci::session& sql, const tenant_scope& scope,
                        const std::string& conversation_id, const new_message& in, int64_t now_us) {
  const auto& [id, sender, content, client_msg_id, attachment_ids] = in;
  if (client_msg_id) {
    soci::row row;
    sql << std::string("SELECT ") + kMessageColumns +
               " FROM chat_messages WHERE tenant_id = :t AND conversation_id = :c "
               "AND sender_id = :s AND client_msg_id = :m",
        soci::use(scope.tenant_id()), soci::use(conversation_id), soci::use(sender),
        soci::use(*client_msg_id), soci::into(row);
    if (sql.got_data()) return {read_message(row_reader(row)), true};
  }
  auto [seq, version] = next_version(sql, scope, conversation_id, true);
  chat::message m;
  m.id = id.empty() ? crypto::random_uuid() : id;
  m.conversation_id = conversation_id;
  m.sender_id = sender;
  m.client_msg_id = client_msg_id;
  m.content = content;
  m.seq = seq;
  m.version = version;
  m.created_at_us = now_us;
  m.attachments = claim_attachments(sql, scope, conversation_id, sender, attachment_ids, m.id);
  nullable_text client_id(client_msg_id);
  nullable_text files(m.attachments.empty() ? std::nullopt
                                            : std::optional(attachments_text(m.attachments)));
  sql << "INSERT INTO chat_messages (conversation_id, seq, id, tenant_id, sender_id, "
         "client_msg_id, content, version, created_at_us, attachments) "
         "VALUES (:c, :s, :i, :t, :u, :m, :x, :v, :now, :a)",
      soci::use(conversation_id), soci::use(m.seq), soci::use(m.id), soci::use(scope.tenant_id()),
      soci::use(sender), soci::use(client_id.value, client_id.indicator), soci::use(content),
      soci::use(m.version), soci::use(now_us), soci::use(files.value, files.indicator);
  return {std::move(m), false};
}

std::optional<chat::message> find_message(soci::session& sql, const tenant_scope& scope,
                                          const std::string& id) {
  soci::row row;
  sql << std::string("SELECT ") + kMessageColumns +
             " FROM chat_messages WHERE id = :i AND tenant_id = :t",
      soci::use(id), soci::use(scope.tenant_id()), soci::into(row);
  if (!sql.got_data()) return std::nullopt;
  return read_message(row_reader(row));
}

chat::message change_message(soci::session& sql, const tenant_scope& scope, const chat::message& m,
                             const std::optional<std::string>& content, int64_t now_us) {
  auto version = next_version(sql, scope, m.conversation_id, false).second;
  chat::message out = m;
  out.version = version;
  if (content) {
    out.content = *content;
    out.edited_at_us = now_us;
    sql << "UPDATE chat_messages SET content = :x, edited_at_us = :now, version = :v "
           "WHERE id = :i AND tenant_id = :t",
        soci::use(out.content), soci::use(now_us), soci::use(version), soci::use(m.id),
        soci::use(scope.tenant_id());
  } else {
    out.content.clear();
    out.deleted_at_us = now_us;
    sql << "UPDATE chat_messages SET content = '', deleted_at_us = :now, version = :v "
           "WHERE id = :i AND tenant_id = :t",
        soci::use(now_us), soci::use(version), soci::use(m.id), soci::use(scope.tenant_id());
  }
  return out;
}

message_page history(soci::session& sql, const tenant_scope& scope,
                     const std::string& conversation_id, std::optional<int64_t> before,
                     std::optional<int64_t> after, int64_t limit) {
  message_page page;
  if (after) {
    page.messages =
        read_messages(sql, scope, "seq > :b ORDER BY seq", conversation_id, *after, limit + 1);
  } else {
    page.messages = read_messages(sql, scope, "seq < :b ORDER BY seq DESC", conversation_id,
                                  before.value_or(std::numeric_limits<int64_t>::max()), limit + 1);
  }
  page.has_more = static_cast<int64_t>(page.messages.size()) > limit;
  if (page.has_more) page.messages.pop_back();
  if (!after) std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

std::optional<chat::member> move_pointer(soci::session& sql, const tenant_scope& scope,
                                         const std::string& conversation_id,
                                         const std::string& user, bool read, int64_t seq) {
  long long last_seq = 0, read_seq = 0, delivered_seq = 0;
  sql << "SELECT c.last_seq, m.read_seq, m.delivered_seq FROM chat_conversations c "
         "JOIN chat_members m ON m.conversation_id = c.id "
         "WHERE c.id = :c AND c.tenant_id = :t AND m.user_id = :u",
      soci::use(conversation_id), soci::use(scope.tenant_id()), soci::use(user),
      soci::into(last_seq), soci::into(read_seq), soci::into(delivered_seq);
  if (!sql.got_data()) throw store_error(errc::not_found, "no conversation " + conversation_id);
  seq = std::min<int64_t>(seq, last_seq);
  chat::member m{user, read_seq, delivered_seq, 0};
  if (read) m.read_seq = std::max<int64_t>(m.read_seq, seq);
  m.delivered_seq = std::max({m.delivered_seq, m.read_seq, read ? int64_t{0} : seq});
  if (m.read_seq == read_seq && m.delivered_seq == delivered_seq) return std::nullopt;
  m.version = next_version(sql, scope, conversation_id, false).second;
  sql << "UPDATE chat_members SET read_seq = :r, delivered_seq = :d, version = :v "
         "WHERE tenant_id = :t AND conversation_id = :c AND user_id = :u",
      soci::use(m.read_seq), soci::use(m.delivered_seq), soci::use(m.version),
      soci::use(scope.tenant_id()), soci::use(conversation_id), soci::use(user);
  return m;
}

int64_t unread_count(soci::session& sql, const tenant_scope& scope,
                     const std::string& conversation_id, const std::string& user,
                     int64_t read_seq) {
  long long n = 0;
  sql << "SELECT COUNT(*) FROM chat_messages WHERE tenant_id = :t AND conversation_id = :c "
         "AND seq > :r AND sender_id <> :u AND deleted_at_us IS NULL",
      soci::use(scope.tenant_id()), soci::use(conversation_id), soci::use(read_seq),
      soci::use(user), soci::into(n);
  return n;
}

std::vector<chat::summary> conversations_of(soci::session& sql, const tenant_scope& scope,
                                            const std::string& user) {
  std::vector<std::string> ids;
  {
    soci::rowset<soci::row> rows = (sql.prepare << "SELECT conversation_id FROM chat_members "
                                                   "WHERE tenant_id = :t AND user_id = :u",
                                    soci::use(scope.tenant_id()), soci::use(user));
    ids = read_rows(rows, [](const row_reader& in) { return in.str("conversation_id"); });
  }
  std::vector<chat::summary> out;
  for (const auto& id : ids) {
    auto conv = find_conversation(sql, scope, id);
    if (!conv) continue;
    chat::summary s;
    s.read_seq = conv->find(user) ? conv->find(user)->read_seq : 0;
    auto last = read_messages(sql, scope, "seq <= :b AND deleted_at_us IS NULL ORDER BY seq DESC",
                              id, conv->last_seq, 1);
    if (!last.empty()) s.last = std::move(last.front());
    s.unread = unread_count(sql, scope, id, user, s.read_seq);
    s.conv = std::move(*conv);
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const chat::summary& a, const chat::summary& b) {
    return (a.last ? a.last->created_at_us : 0) > (b.last ? b.last->created_at_us : 0);
  });
  return out;
}

change_set changes_since(soci::session& sql, const tenant_scope& scope,
                         const std::string& conversation_id, int64_t version, int64_t limit) {
  change_set out;
  out.messages = read_messages(sql, scope, "version > :b ORDER BY version", conversation_id,
                               version, limit + 1);
  out.limited = static_cast<int64_t>(out.messages.size()) > limit;
  if (out.limited) out.messages.pop_back();
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT user_id, read_seq, delivered_seq, version FROM chat_members "
                      "WHERE tenant_id = :t AND conversation_id = :c AND version > :v "
                      "ORDER BY version",
       soci::use(scope.tenant_id()), soci::use(conversation_id), soci::use(version));
  out.members = read_rows(rows, read_member);
  return out;
}

std::vector<chat::resume_entry> resume(soci::session& sql, const tenant_scope& scope,
                                       const std::string& user,
                                       const std::vector<std::pair<std::string, int64_t>>& since,
                                       int64_t limit) {
  std::vector<chat::resume_entry> out;
  for (const auto& [id, version] : since) {
    auto conv = find_conversation(sql, scope, id);
    if (!conv || !conv->find(user)) continue;
    auto changes = changes_since(sql, scope, id, version, limit);
    chat::resume_entry e{std::move(*conv), {}, {}, changes.limited};
    if (!e.limited) {
      e.messages = std::move(changes.messages);
      e.receipts = std::move(changes.members);
    }
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace sb::persistence
