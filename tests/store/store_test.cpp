#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <set>
#include <type_traits>
#include <utility>

#include "actors/runtime/atoms.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/chat/append_job.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/users.hpp"
#include "persistence/notes.hpp"
#include "persistence/store_job.hpp"
#include "tests/store/store_fixture.hpp"

using namespace sb;
using namespace sb::persistence;
using namespace std::chrono_literals;

namespace {

int count_notes(test::test_database& db) {
  auto sql = db.connect();
  int n = 0;
  *sql << "SELECT COUNT(*) FROM notes", soci::into(n);
  return n;
}

// The worker protocol is what is tested here, so jobs go to the routes directly
// (store_client wraps this).

/// A job whose result is a row id: a note's, or 0 for the jobs that fail on purpose.
using id_job = result_job<int64_t>;

id_job note_job(std::string session, std::string body) {
  return make_result_job("insert_note", [session, body](soci::session& sql) {
    return insert_note(sql, session, body, 1);
  });
}

struct outcome {
  bool ok = false;
  int64_t id = 0;
  errc code = errc::internal;
};

// Sends every job at once from one actor, then collects the answers in order.
template <class T>
std::vector<outcome> pipeline(test::store_fixture& f, const std::vector<result_job<T>>& jobs,
                              shard_key route) {
  caf::scoped_actor self{f.sys};
  using handle_t =
      decltype(self->request(f.store->route(route), 10s, store_atom::value, jobs[0].job));
  std::vector<handle_t> handles;
  for (const auto& j : jobs) {
    handles.push_back(self->request(f.store->route(route), 10s, store_atom::value, j.job));
  }
  std::vector<outcome> out(jobs.size());
  for (size_t i = 0; i < handles.size(); ++i) {
    handles[i].receive(
        [&] {
          out[i].ok = true;
          if constexpr (std::is_same_v<T, int64_t>) out[i].id = **jobs[i].value;
        },
        [&](caf::error& e) { out[i].code = store_errc(e); });
  }
  return out;
}

std::vector<outcome> run_pipelined(test::store_fixture& f, const std::vector<id_job>& jobs) {
  return pipeline(f, jobs, "notes");
}

}  // namespace

TEST_CASE("pipelined writes are group-committed and all answered", "[store]") {
  test::store_fixture f;
  auto& batches =
      metrics::global().get_histogram("sb_store_batch_size", "", metrics::size_bounds());
  auto before = batches.count();
  std::vector<id_job> jobs;
  for (int i = 0; i < 500; ++i) jobs.push_back(note_job("s1", "note " + std::to_string(i)));
  auto results = run_pipelined(f, jobs);
  std::set<int64_t> ids;
  for (const auto& r : results) {
    CHECK(r.ok);
    ids.insert(r.id);
  }
  CHECK(ids.size() == 500);
  auto commits = batches.count() - before;
  INFO("commits for 500 writes: " << commits);
  CHECK(commits < 500);  // more than one write per transaction
  CHECK(count_notes(f.db) == 500);
}

TEST_CASE("a failing job fails alone; its batch neighbours commit", "[store]") {
  test::store_fixture f;
  auto refusing = make_result_job("refuse", [](soci::session&) -> int64_t {
    throw store_error(errc::conflict, "refused on purpose");
  });
  auto bad_sql = make_result_job("bad_sql", [](soci::session& sql) -> int64_t {
    sql << "INSERT INTO no_such_table VALUES (1)";
    return 0;
  });
  auto duplicate = make_result_job("duplicate", [](soci::session& sql) -> int64_t {
    // Two rows with one primary key: the second violates the constraint.
    for (int i = 0; i < 2; ++i) {
      sql << "INSERT INTO schema_migrations (version, name, applied_at_us) VALUES (4242, 'x', 0)";
    }
    return 4242;
  });
  auto results = run_pipelined(
      f, {note_job("s", "first"), refusing, bad_sql, duplicate, note_job("s", "last")});
  CHECK(results[0].ok);
  CHECK_FALSE(results[1].ok);
  CHECK(results[1].code == errc::conflict);
  CHECK_FALSE(results[2].ok);
  CHECK(results[2].code == errc::internal);
  CHECK_FALSE(results[3].ok);
  CHECK(results[3].code == errc::conflict);
  CHECK(results[4].ok);
  CHECK(count_notes(f.db) == 2);
  // The duplicate job's first insert was rolled back with it.
  auto sql = f.db.connect();
  int leftovers = -1;
  *sql << "SELECT COUNT(*) FROM schema_migrations WHERE version = 4242", soci::into(leftovers);
  CHECK(leftovers == 0);
}

TEST_CASE("drain answers once everything queued before it is committed", "[store]") {
  test::store_fixture f;
  caf::scoped_actor self{f.sys};
  for (int i = 0; i < 300; ++i) {
    self->send(f.store->route("notes"), store_atom::value, note_job("s", "n").job);
  }
  bool drained = false;
  self->request(f.store->supervisor(), 10s, drain_atom::value)
      .receive([&] { drained = true; }, [&](caf::error&) {});
  CHECK(drained);
  CHECK(count_notes(f.db) == 300);
}

TEST_CASE("the store fails fast while PostgreSQL is down and recovers when it returns",
          "[store][pg_restart]") {
  REQUIRE(test::dialect_under_test() == config::dialect::postgresql);
  test::store_fixture f;
  auto& restarts = metrics::global().get_counter("sb_store_worker_restarts_total", "");
  auto restarts_before = restarts.value();
  CHECK(run_pipelined(f, {note_job("s", "before")})[0].ok);

  test::stop_postgres();
  auto down = run_pipelined(f, {note_job("s", "while down")});
  CHECK_FALSE(down[0].ok);
  CHECK(down[0].code == errc::db_unavailable);  // not a timeout: it failed fast
  CHECK(test::store_fixture::wait_for([&] { return f.store->live_workers() == 0; }));
  auto again = run_pipelined(f, {note_job("s", "still down")});
  CHECK(again[0].code == errc::db_unavailable);
  CHECK(f.store->retry_after() >= 1s);

  test::start_postgres();
  CHECK(
      test::store_fixture::wait_for([&] { return f.store->live_workers() == f.store->workers(); }));
  CHECK(run_pipelined(f, {note_job("s", "after")})[0].ok);
  CHECK(restarts.value() > restarts_before);
  CHECK(count_notes(f.db) == 2);
}

TEST_CASE("a crashed worker is restarted by its supervisor", "[store]") {
  test::store_fixture f;
  auto& restarts = metrics::global().get_counter("sb_store_worker_restarts_total", "");
  auto before = restarts.value();
  auto worker = f.store->route("notes");
  REQUIRE(worker != f.store->supervisor());
  caf::anon_send_exit(worker, caf::exit_reason::kill);
  CHECK(test::store_fixture::wait_for([&] { return f.store->route("notes") != worker; }));
  CHECK(test::store_fixture::wait_for([&] {
    return f.store->live_workers() == f.store->workers() && f.store->route("notes") != worker;
  }));
  CHECK(restarts.value() == before + 1);
  CHECK(run_pipelined(f, {note_job("s", "after restart")})[0].ok);
}

TEST_CASE("a worker runs neighbouring chat appends together; a bad one fails alone", "[store]") {
  test::store_fixture f;
  auto sql = f.db.connect();
  auto tenant = create_tenant(*sql, "Acme").id;
  tenant_scope scope(tenant);
  auto user = [&](const std::string& name) {
    user_record u;
    u.email = name + "@example.test";
    u.first_name = u.last_name = u.display_name = name;
    u.role = "user";
    u.status = "active";
    return create_user(*sql, scope, u).id;
  };
  auto alice = user("alice"), bob = user("bob");
  auto conv = direct_conversation(*sql, scope, alice, bob, 1).id;
  auto& batched = metrics::global().get_counter("sb_store_jobs_batched_total", "");
  auto before = batched.value();
  auto send = [&](int from, int to, int bad) {
    std::vector<result_job<appended>> jobs;
    for (int i = from; i < to; ++i) {
      // `bad` names a conversation that is not there: its run fails, then each runs alone.
      auto target = i == bad ? std::string("00000000-0000-4000-8000-000000000000") : conv;
      jobs.push_back(append_job(scope, target, {"", alice, std::to_string(i), std::nullopt, {}}));
    }
    return std::pair(jobs, pipeline(f, jobs, "chat:" + conv));
  };
  auto [first, first_results] = send(0, 100, -1);
  for (const auto& r : first_results) CHECK(r.ok);
  CHECK(batched.value() > before);  // some ran together
  auto [second, results] = send(100, 200, 150);
  for (int i = 0; i < 100; ++i) CHECK(results[i].ok == (i != 50));
  CHECK(results[50].code == errc::not_found);

  auto page = history(*sql, scope, conv, std::nullopt, std::nullopt, 500);
  REQUIRE(page.messages.size() == 199);
  for (size_t i = 0; i < page.messages.size(); ++i) {
    auto n = i < 150 ? i : i + 1;
    CHECK(page.messages[i].seq == static_cast<int64_t>(i + 1));
    CHECK(page.messages[i].content == std::to_string(n));
    const auto& job = n < 100 ? first[n] : second[n - 100];
    CHECK(page.messages[i].id == (**job.value).message.id);
  }
}
