// A CTI app's webhook stream on a cluster: deliveries are taken (and acknowledged after their
// commit) by whichever member Dialpad reaches, processed once and in order by the one member
// holding the app's lease, and its live events reach clients on every member; when that member
// is killed mid-stream, the member that owns the app next takes the lease and carries on, and
// no event is applied twice or lost. Tagged [pg_only]: a cluster needs PostgreSQL.

#include <catch2/catch.hpp>

#include <soci/soci.h>
#include <boost/json.hpp>

#include <csignal>

#include "tests/integration/cluster_fixture.hpp"
#include "tests/integration/cti_fixture.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr int64_t kT0 = 1731623000000;

/// A live client of the app's events on one member, from the start of its log.
std::unique_ptr<ws_client> follow_on(uint16_t port, const cti_app& app) {
  ws_client::options o;
  o.target = "/ws?api_key=" + app.key + "&since=0";
  return std::make_unique<ws_client>(port, o);
}

/// The seqs of the next `n` events on `ws`.
std::vector<int64_t> next_seqs(ws_client& ws, size_t n) {
  std::vector<int64_t> out;
  while (out.size() < n) {
    auto m = ws.read(10s);
    if (!m) break;
    out.push_back(json::parse(*m).as_object().at("seq").as_int64());
  }
  return out;
}

std::vector<int64_t> one_to(int64_t n) {
  std::vector<int64_t> out;
  for (int64_t i = 1; i <= n; ++i) out.push_back(i);
  return out;
}

struct lease_row {
  std::string holder;
  int64_t fence = 0;
};

lease_row lease_of(three_nodes& c, const cti_app& app) {
  auto sql = c.db().connect();
  lease_row row;
  std::string entity = "webhooks:" + app.id;
  *sql << "SELECT holder, fence FROM entity_leases WHERE entity_id = :e", soci::use(entity),
      soci::into(row.holder), soci::into(row.fence);
  return row;
}

/// How many of the app's deliveries are not processed yet, and how many events it logged.
std::pair<int64_t, int64_t> progress(three_nodes& c, const cti_app& app) {
  auto sql = c.db().connect();
  int64_t pending = 0, events = 0;
  *sql << "SELECT COUNT(*) FROM webhook_events WHERE app_id = :a AND status <> 'processed'",
      soci::use(app.id), soci::into(pending);
  *sql << "SELECT COUNT(DISTINCT seq) FROM cti_app_events WHERE app_id = :a", soci::use(app.id),
      soci::into(events);
  return {pending, events};
}

/// The member whose incarnation (in its start-up log line) holds the lease.
size_t holder_index(three_nodes& c, const lease_row& lease) {
  for (size_t i = 0; i < 3; ++i) {
    auto log = c[i].server->log();
    if (log.find("(incarnation " + lease.holder + ")") != std::string::npos) return i;
  }
  return 3;
}

/// Posts call `call`'s first event to the app through member `node`; the HTTP status.
unsigned post_via(three_nodes& c, const cti_app& app, size_t node, int64_t call) {
  auto via = app;
  via.port = c[node].server->port();
  return via.post(dialpad_event(call, "ringing", kT0 + call)).status;
}

/// Every event of the app logged once: rows, distinct numbers and the highest number agree.
void check_log_once(three_nodes& c, const cti_app& app, int64_t expected) {
  auto sql = c.db().connect();
  int64_t rows = 0, distinct = 0, max_seq = 0;
  *sql << "SELECT COUNT(*), COUNT(DISTINCT seq), MAX(seq) FROM cti_app_events WHERE app_id = :a",
      soci::use(app.id), soci::into(rows), soci::into(distinct), soci::into(max_seq);
  CHECK(rows == expected);
  CHECK(distinct == expected);
  CHECK(max_seq == expected);
}

}  // namespace

TEST_CASE(
    "a webhook stream on three members: taken anywhere, processed once, in order, "
    "by the lease holder; kill -9 of the holder mid-stream loses and doubles nothing",
    "[cluster][cti][pg_only]") {
  three_nodes c;
  REQUIRE(c.meshed(5s));
  auto app = cti_app::create(c[0].server->port(), "CRM");
  std::vector<std::unique_ptr<ws_client>> followers;
  for (size_t i = 0; i < 3; ++i) followers.push_back(follow_on(c[i].server->port(), app));

  // Thirty calls' first events, posted round-robin to the three members.
  for (int i = 0; i < 30; ++i) REQUIRE(post_via(c, app, i % 3, 1000 + i) == 200);
  for (auto& f : followers) CHECK(next_seqs(*f, 30) == one_to(30));
  CHECK(eventually([&] { return progress(c, app) == std::pair<int64_t, int64_t>{0, 30}; }));
  auto lease = lease_of(c, app);
  auto holder = holder_index(c, lease);
  REQUIRE(holder < 3);
  INFO("the lease holder was " << c[holder].name << " (fence " << lease.fence << ")");

  // Mid-stream: ten more through the survivors, the holder killed, twenty more.
  std::vector<size_t> survivors;
  for (size_t i = 0; i < 3; ++i) {
    if (i != holder) survivors.push_back(i);
  }
  for (int i = 0; i < 10; ++i) REQUIRE(post_via(c, app, survivors[i % 2], 2000 + i) == 200);
  c[holder].server->stop(SIGKILL);
  auto killed_at = std::chrono::steady_clock::now();
  for (int i = 10; i < 30; ++i) REQUIRE(post_via(c, app, survivors[i % 2], 2000 + i) == 200);

  // Everything acknowledged is applied exactly once, and the survivors' clients see the rest
  // of the log in order.
  CHECK(eventually([&] { return progress(c, app) == std::pair<int64_t, int64_t>{0, 60}; }, 15s));
  INFO("all processed " << std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now() - killed_at)
                               .count()
                        << " ms after the kill");
  check_log_once(c, app, 60);
  auto rest = one_to(60);
  rest.erase(rest.begin(), rest.begin() + 30);
  for (auto i : survivors) CHECK(next_seqs(*followers[i], 30) == rest);
  auto taken = lease_of(c, app);
  CHECK(taken.holder != lease.holder);
  CHECK(taken.fence > lease.fence);
}

TEST_CASE("a paused lease holder commits nothing once another member took its lease over",
          "[cluster][cti][pg_only]") {
  three_nodes c;
  REQUIRE(c.meshed(5s));
  auto app = cti_app::create(c[0].server->port(), "CRM");
  for (int i = 0; i < 10; ++i) REQUIRE(post_via(c, app, i % 3, 3000 + i) == 200);
  REQUIRE(eventually([&] { return progress(c, app) == std::pair<int64_t, int64_t>{0, 10}; }));
  auto lease = lease_of(c, app);
  auto holder = holder_index(c, lease);
  REQUIRE(holder < 3);
  auto other = (holder + 1) % 3;

  // Paused past the timeout (a partition, as the others see it): they take the lease once it
  // expires and process what arrives meanwhile.
  ::kill(c[holder].server->pid(), SIGSTOP);
  for (int i = 10; i < 20; ++i) REQUIRE(post_via(c, app, other, 3000 + i) == 200);
  CHECK(eventually([&] { return progress(c, app) == std::pair<int64_t, int64_t>{0, 20}; }, 15s));
  auto taken = lease_of(c, app);
  CHECK(taken.holder != lease.holder);
  CHECK(taken.fence > lease.fence);

  // Back: it takes deliveries again, and whatever it had in flight is refused by the fence;
  // nothing is applied twice.
  ::kill(c[holder].server->pid(), SIGCONT);
  REQUIRE(c.meshed(10s));
  for (int i = 20; i < 30; ++i) REQUIRE(post_via(c, app, holder, 3000 + i) == 200);
  CHECK(eventually([&] { return progress(c, app) == std::pair<int64_t, int64_t>{0, 30}; }, 15s));
  check_log_once(c, app, 30);
  // The lease may move back to it (it owns the app by placement), but only through a takeover.
  CHECK(lease_of(c, app).fence >= taken.fence);
}
