#include "persistence/chat/append_job.hpp"

#include <fmt/format.h>
#include <soci/soci.h>
#include <boost/json.hpp>

#include <cstdint>
#include <map>
#include <tuple>
#include <unordered_map>

#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/chat/message_rows.hpp"
#include "persistence/connection.hpp"

namespace sb::persistence {

namespace {

class append_batcher final : public job_batcher {
 public:
  void execute_all(soci::session& sql, std::span<store_job* const> jobs) const override;
};

const append_batcher kBatcher;

class append final : public store_job {
 public:
  append(tenant_scope scope, std::string conversation_id, new_message in)
      : scope(std::move(scope)), conversation_id(std::move(conversation_id)), in(std::move(in)) {}

  void execute(soci::session& sql) override {
    value.emplace(append_message(sql, scope, conversation_id, in, now_us()));
  }
  std::string_view name() const override { return "chat_append"; }
  const job_batcher* batcher() const override {
    return in.attachment_ids.empty() ? &kBatcher : nullptr;
  }

  tenant_scope scope;
  std::string conversation_id;
  new_message in;
  std::optional<appended> value;
};

// One statement for the whole run: the input rows arrive as one JSON array; rows whose
// client id is stored already come back as they were stored (ord >= 0); the others take their
// conversation's next seqs and versions in input order (one UPDATE per conversation) and come
// back as inserted (ord -1, known by id).
constexpr const char* kAppendAll = R"sql(
WITH input AS (
  SELECT * FROM json_to_recordset(CAST(:rows AS json))
    AS x(o bigint, t uuid, c uuid, s uuid, i text, m text, x text)
), stored AS (
  SELECT input.o, cm.* FROM input JOIN chat_messages cm
    ON cm.conversation_id = input.c AND cm.sender_id = input.s AND cm.client_msg_id = input.m
   AND cm.tenant_id = input.t
), fresh AS (
  SELECT input.*, row_number() OVER (PARTITION BY c ORDER BY o) AS r,
         count(*) OVER (PARTITION BY c) AS k
    FROM input WHERE NOT EXISTS (SELECT 1 FROM stored WHERE stored.o = input.o)
), bumped AS (
  UPDATE chat_conversations cc SET last_seq = cc.last_seq + g.k, version = cc.version + g.k
    FROM (SELECT DISTINCT c, t, k FROM fresh) g
   WHERE cc.id = g.c AND cc.tenant_id = g.t
  RETURNING cc.id, cc.last_seq, cc.version
), inserted AS (
  INSERT INTO chat_messages (conversation_id, seq, id, tenant_id, sender_id, client_msg_id,
                             content, version, created_at_us)
  SELECT f.c, b.last_seq - f.k + f.r, f.i, f.t, f.s, f.m, f.x, b.version - f.k + f.r,
         CAST(:now AS bigint)
    FROM fresh f JOIN bumped b ON b.id = f.c
  RETURNING *
)
SELECT o AS ord, {0} FROM stored
UNION ALL
SELECT -1 AS ord, {0} FROM inserted
)sql";

void append_all(soci::session& sql, std::span<store_job* const> jobs) {
  // A resend within the run (same conversation, sender and client id) is answered with the
  // first one's result; only the first goes to the database.
  using client_key = std::tuple<std::string, std::string, std::string>;
  std::map<client_key, size_t> first_of;
  std::vector<size_t> echo_of(jobs.size(), SIZE_MAX);
  std::unordered_map<std::string, size_t> by_id;
  boost::json::array rows;
  for (size_t o = 0; o < jobs.size(); ++o) {
    auto& job = static_cast<append&>(*jobs[o]);
    const auto& in = job.in;
    if (in.client_msg_id) {
      auto [it, first] =
          first_of.try_emplace({job.conversation_id, in.sender, *in.client_msg_id}, o);
      if (!first) {
        echo_of[o] = it->second;
        continue;
      }
    }
    auto id = in.id.empty() ? crypto::random_uuid() : in.id;
    by_id[id] = o;
    boost::json::value m = nullptr;
    if (in.client_msg_id) m = boost::json::string(*in.client_msg_id);
    rows.push_back(boost::json::object{{"o", o},
                                       {"t", job.scope.tenant_id()},
                                       {"c", job.conversation_id},
                                       {"s", in.sender},
                                       {"i", id},
                                       {"m", std::move(m)},
                                       {"x", in.content}});
  }
  static const std::string statement =
      fmt::format(fmt::runtime(kAppendAll), detail::kMessageColumns);
  auto text = boost::json::serialize(rows);
  int64_t now = now_us();
  soci::rowset<soci::row> result = (sql.prepare << statement, soci::use(text), soci::use(now));
  size_t answered = 0;
  for (const auto& row : result) {
    row_reader r(row);
    auto ord = r.i64("ord");
    auto message = detail::read_message(r);
    size_t o = 0;
    if (ord >= 0) {
      o = static_cast<size_t>(ord);
    } else if (auto it = by_id.find(message.id); it != by_id.end()) {
      o = it->second;
    } else {
      throw store_error(errc::internal, "chat append: a row the run did not insert");
    }
    auto& job = static_cast<append&>(*jobs[o]);
    job.value.emplace(appended{std::move(message), ord >= 0});
    ++answered;
  }
  // A conversation that is not there (or not the tenant's) inserts nothing: run each alone,
  // where its own append fails with not_found.
  if (answered != rows.size()) {
    throw store_error(errc::not_found, "chat append: a conversation of the run is gone");
  }
  for (size_t o = 0; o < jobs.size(); ++o) {
    if (echo_of[o] == SIZE_MAX) continue;
    auto& job = static_cast<append&>(*jobs[o]);
    auto first = static_cast<append&>(*jobs[echo_of[o]]).value;
    job.value.emplace(appended{first->message, true});
  }
}

void append_batcher::execute_all(soci::session& sql, std::span<store_job* const> jobs) const {
  // SQLite is in the process: a statement costs no round trip, and has no data-modifying WITH.
  if (sql.get_backend_name() != "postgresql") {
    for (auto* job : jobs) job->execute(sql);
    return;
  }
  append_all(sql, jobs);
}

}  // namespace

result_job<appended> append_job(tenant_scope scope, std::string conversation_id, new_message in) {
  auto job = std::make_shared<append>(std::move(scope), std::move(conversation_id), std::move(in));
  auto* value = &job->value;
  return {std::move(job), value};
}

}  // namespace sb::persistence
