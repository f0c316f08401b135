#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/cti_fixture.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr int64_t kT0 = 1731624039404;
constexpr int64_t kAgent = 5527348325810176;  // the Dialpad user mapped to a CRM user
constexpr int64_t kOther = 6131436978913280;  // a Dialpad user without a mapping

json::object for_user(int64_t user) {
  return json::object{{"target", json::object{{"id", user}, {"type", "user"}}}};
}

ws_client follow(const cti_app& app, const std::string& query = "") {
  ws_client::options o;
  o.target = "/ws?api_key=" + app.key + query;
  return ws_client(app.port, o);
}

/// Reads events until `n` arrived; returns them.
std::vector<json::object> next_events(ws_client& ws, size_t n) {
  std::vector<json::object> out;
  while (out.size() < n) {
    auto v = ws.read_json(10s);
    out.push_back(v.as_object());
  }
  return out;
}

}  // namespace

TEST_CASE("every mapped state reaches the app's live clients in order, narrowed by CRM user",
          "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto app = cti_app::create(server.port(), "CRM");
  auto mapped =
      app.ops("POST", "/users/map",
              json::object{{"dialpad_user_id", kAgent}, {"crm_user_id", "agent@crm.example"}});
  REQUIRE(mapped.status == 200);

  auto all = follow(app);
  auto agent = follow(app, "&crm_user=agent@crm.example");
  std::this_thread::sleep_for(300ms);  // the follow request reaches the stream

  auto outbound = dialpad_event(1, "calling", kT0, for_user(kOther));
  outbound["direction"] = "outbound";
  REQUIRE(app.post(outbound).status == 200);
  REQUIRE(app.post(dialpad_event(2, "ringing", kT0 + 1, for_user(kAgent))).status == 200);
  REQUIRE(app.post(dialpad_event(2, "connected", kT0 + 2, for_user(kAgent))).status == 200);
  REQUIRE(app.post(dialpad_event(2, "hangup", kT0 + 3,
                                 {{"duration", 2000}, {"target", for_user(kAgent)["target"]}}))
              .status == 200);
  REQUIRE(app.post(dialpad_event(3, "missed", kT0 + 4, for_user(kOther))).status == 200);
  json::array recordings{json::object{{"id", 1}, {"url", "https://rec.example/2"}}};
  REQUIRE(app.post(dialpad_event(
                       2, "recording", kT0 + 5,
                       {{"recording_details", recordings}, {"target", for_user(kAgent)["target"]}}))
              .status == 200);
  REQUIRE(app.post(dialpad_event(3, "voicemail_uploaded", kT0 + 6,
                                 {{"voicemail_link", "https://vm.example/3"},
                                  {"transcription_text", "Hi, call me back"},
                                  {"duration", 12400},
                                  {"target", for_user(kOther)["target"]}}))
              .status == 200);

  auto events = next_events(all, 7);
  std::vector<std::string> names;
  for (auto& e : events) names.emplace_back(e.at("event").as_string());
  CHECK(names == std::vector<std::string>{"call.ring", "call.ring", "call.started", "call.ended",
                                          "call.ended", "call.recording.completed",
                                          "voicemail.received"});
  for (size_t i = 0; i < events.size(); ++i) CHECK(events[i].at("seq") == int64_t(i + 1));
  CHECK(events[0].at("state") == "calling");
  CHECK(events[0].at("from_number") == "+15105559876");  // outbound: our number called out
  CHECK(events[1].at("target_crm_user") == "agent@crm.example");
  CHECK(events[1].at("dialpad_call_id") == 2);
  CHECK(events[3].at("status") == "completed");
  CHECK(events[3].at("duration_seconds") == 2);
  CHECK(events[4].at("status") == "missed");
  CHECK(events[4].at("target_crm_user").is_null());
  CHECK(events[5].at("recording_url") == "https://rec.example/2");
  CHECK(events[6].at("transcript") == "Hi, call me back");
  CHECK(events[6].at("duration_seconds") == 12);
  CHECK(events[6].at("timestamp") == "2024-11-14T22:40:39.410Z");

  // The narrowed client saw only the agent's events.
  auto mine = next_events(agent, 4);
  for (auto& e : mine) CHECK(e.at("target_crm_user") == "agent@crm.example");
  CHECK(mine[0].at("seq") == 2);
  CHECK(mine[3].at("event") == "call.recording.completed");
  CHECK_FALSE(agent.read(300ms).has_value());

  // A client that reconnects with the last seq it saw gets what it missed, then live events:
  // no gap, no duplicate.
  auto back = follow(app, "&since=3");
  auto missed = next_events(back, 4);
  for (size_t i = 0; i < missed.size(); ++i) CHECK(missed[i].at("seq") == int64_t(i + 4));
  REQUIRE(app.post(dialpad_event(4, "ringing", kT0 + 7, for_user(kOther))).status == 200);
  CHECK(back.read_json().at("seq") == 8);
  CHECK(all.read_json().at("seq") == 8);
  CHECK_FALSE(back.read(300ms).has_value());

  // A bad since is refused at the upgrade.
  CHECK(http_request(server.port(), "GET", "/ws?api_key=" + app.key + "&since=abc", "",
                     {{"Connection", "Upgrade"},
                      {"Upgrade", "websocket"},
                      {"Sec-WebSocket-Version", "13"},
                      {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}})
            .status == 400);

  // The voicemail is a resource of its own.
  auto vms = app.ops("GET", "/voicemails");
  REQUIRE(vms.status == 200);
  auto list = vms.json().at("data").as_array();
  REQUIRE(list.size() == 1);
  CHECK(list[0].at("recording_url") == "https://vm.example/3");
  CHECK(list[0].at("dialpad_user_id") == kOther);
  CHECK(app.ops("GET", "/voicemails?dialpad_user_id=" + std::to_string(kAgent))
            .json()
            .at("pagination")
            .at("total") == 0);
  auto vm_id = std::string(list[0].at("id").as_string());
  CHECK(app.ops("GET", "/voicemails/" + vm_id).json().at("data").at("transcript") ==
        "Hi, call me back");
  CHECK(app.ops("DELETE", "/voicemails/" + vm_id).status == 200);
  CHECK(app.ops("GET", "/voicemails/" + vm_id).status == 404);
  CHECK(app.ops("DELETE", "/voicemails/" + vm_id).status == 404);

  // Calls API filters.
  CHECK(app.get("/api/calls?status=ended").json().at("pagination").at("total") == 2);
  CHECK(app.get("/api/calls/active").json().at("pagination").at("total") == 2);  // 1 and 4
  CHECK(app.get("/api/calls?direction=outbound").json().at("data").as_array().size() == 1);
  CHECK(app.get("/api/calls?dialpad_user_id=" + std::to_string(kAgent))
            .json()
            .at("data")
            .as_array()
            .size() == 1);
  CHECK(app.get("/api/calls?status=nonsense").status == 400);
  auto first = app.get("/api/calls?limit=3").json();
  CHECK(first.at("pagination").at("has_more") == true);
  auto cursor = std::string(first.at("pagination").at("next_cursor").as_string());
  auto second = app.get("/api/calls?limit=3&cursor=" + cursor).json().at("data").as_array();
  REQUIRE(second.size() == 1);
  std::set<int64_t> seen{second[0].at("dialpad_call_id").as_int64()};
  for (auto& c : first.at("data").as_array()) seen.insert(c.at("dialpad_call_id").as_int64());
  CHECK(seen == std::set<int64_t>{1, 2, 3, 4});
  CHECK(app.get("/api/calls?cursor=bogus").status == 400);
  // An exact last page has nothing more, by offset or by cursor.
  auto exact = app.get("/api/calls?limit=4").json().at("pagination");
  CHECK(exact.at("has_more") == false);
  CHECK(exact.at("next_cursor").is_null());
  CHECK(app.get("/api/calls?limit=2&offset=2").json().at("pagination").at("has_more") == false);
  CHECK(app.get("/api/calls?limit=1&cursor=" + cursor).json().at("pagination").at("has_more") ==
        false);
  CHECK(app.get("/api/calls").status == 200);
  // As the seed's `curl -i` shows: the limit's headers on a 401 too.
  auto refused = http_request(server.port(), "GET", "/api/calls");
  CHECK(refused.status == 401);
  CHECK_FALSE(refused.header("ratelimit-limit").empty());
  CHECK_FALSE(refused.header("ratelimit-remaining").empty());
  CHECK_FALSE(refused.header("ratelimit-reset").empty());
}

TEST_CASE("Dialpad-to-CRM user mappings: unique per Dialpad user, looked up both ways", "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto app = cti_app::create(server.port(), "CRM");
  auto one = app.ops("POST", "/users/map",
                     json::object{{"dialpad_user_id", "9007199254740993"}, {"crm_user_id", "a@x"}});
  REQUIRE(one.status == 200);
  CHECK(one.json().at("data").at("dialpad_user_id").as_int64() == 9007199254740993);
  auto batch = app.ops(
      "POST", "/users/batch-map",
      json::object{{"mappings",
                    json::array{
                        json::object{{"dialpad_user_id", 1}, {"crm_user_id", "b@x"}},
                        json::object{{"dialpad_user_id", 2}, {"crm_user_id", "b@x"}},
                        // the same Dialpad user again: an update
                        json::object{{"dialpad_user_id", 9007199254740993}, {"crm_user_id", "c@x"}},
                    }}});
  REQUIRE(batch.status == 200);
  CHECK(batch.json().at("count") == 3);
  CHECK(app.ops("GET", "/users/mappings").json().at("pagination").at("total") == 3);
  CHECK(app.ops("GET", "/users/mappings/dialpad/9007199254740993")
            .json()
            .at("data")
            .at("crm_user_id") == "c@x");
  CHECK(app.ops("GET", "/users/mappings/crm/b@x").json().at("data").as_array().size() == 2);
  CHECK(app.ops("GET", "/users/mappings/crm/nobody@x").status == 404);
  auto bad =
      app.ops("POST", "/users/batch-map",
              json::object{{"mappings", json::array{json::object{{"dialpad_user_id", -1}}}}});
  CHECK(bad.status == 400);
  CHECK(bad.body.find("mappings[0].crm_user_id") != std::string::npos);
  CHECK(app.ops("POST", "/users/map", json::object{{"crm_user_id", "x"}}).status == 400);

  auto id = std::string(
      app.ops("GET", "/users/mappings/dialpad/1").json().at("data").at("id").as_string());
  CHECK(app.ops("DELETE", "/users/mappings/" + id).status == 200);
  CHECK(app.ops("DELETE", "/users/mappings/" + id).status == 404);
  CHECK(app.ops("DELETE", "/users/mappings/dialpad/2").status == 200);
  CHECK(app.ops("GET", "/users/mappings/dialpad/2").status == 404);
  CHECK(app.ops("GET", "/users/mappings").json().at("pagination").at("total") == 1);
  CHECK(internal(server.port(), "GET",
                 "/internal/apps/00000000-0000-4000-8000-000000000000/users/mappings")
            .status == 404);
}

TEST_CASE("two apps on one node never see each other's calls, events or voicemails", "[cti]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto a = cti_app::create(server.port(), "A");
  auto b = cti_app::create(server.port(), "B", "another-secret-for-b-000000");
  auto b_live = follow(b);
  auto a_live = follow(a);
  std::this_thread::sleep_for(300ms);
  REQUIRE(a.post(dialpad_event(77, "voicemail_uploaded", kT0,
                               {{"voicemail_link", "https://vm.example/77"}}))
              .status == 200);
  // A's secret does not sign for B, nor B's for A.
  CHECK(http_request(server.port(), "POST", "/webhooks/dialpad/" + b.id,
                     sb::jwt::sign_hs256(dialpad_event(78, "ringing", kT0), a.secret))
            .status == 401);
  CHECK(a_live.read_json().at("event") == "voicemail.received");
  CHECK_FALSE(b_live.read(500ms).has_value());
  auto a_calls = a.get("/api/calls").json().at("data").as_array();
  REQUIRE(a_calls.size() == 1);
  auto call_id = std::string(a_calls[0].at("id").as_string());
  CHECK(b.get("/api/calls").json().at("data").as_array().empty());
  CHECK(b.get("/api/calls/" + call_id).status == 404);
  CHECK(a.get("/api/calls/" + call_id).status == 200);
  CHECK(b.ops("GET", "/voicemails").json().at("data").as_array().empty());
  auto vm = std::string(a.ops("GET", "/voicemails").json().at("data").at(0).at("id").as_string());
  CHECK(b.ops("GET", "/voicemails/" + vm).status == 404);
  CHECK(b.ops("DELETE", "/voicemails/" + vm).status == 404);
  CHECK(b.ops("GET", "/webhook-events").json().at("pagination").at("total") == 0);
  // Mappings are per app: the same Dialpad user may map to different CRM users in each.
  REQUIRE(a.ops("POST", "/users/map", json::object{{"dialpad_user_id", 1}, {"crm_user_id", "a@a"}})
              .status == 200);
  CHECK(b.ops("GET", "/users/mappings").json().at("pagination").at("total") == 0);
  CHECK(b.ops("GET", "/users/mappings/dialpad/1").status == 404);
  REQUIRE(b.ops("POST", "/users/map", json::object{{"dialpad_user_id", 1}, {"crm_user_id", "b@b"}})
              .status == 200);
  CHECK(a.ops("GET", "/users/mappings/dialpad/1").json().at("data").at("crm_user_id") == "a@a");
  auto a_mapping =
      std::string(a.ops("GET", "/users/mappings/dialpad/1").json().at("data").at("id").as_string());
  CHECK(b.ops("DELETE", "/users/mappings/" + a_mapping).status == 404);
  // B reconnecting from the start gets nothing of A's log.
  auto b_back = follow(b, "&since=0");
  CHECK_FALSE(b_back.read(500ms).has_value());
}

TEST_CASE("killed between commit and processing, a node processes each event exactly once",
          "[cti]") {
  test_database db;
  auto server = std::make_unique<server_process>(env_map{{"DATABASE_URL", db.url()}});
  auto app = cti_app::create(server->port(), "CRM");
  // Eight senders post distinct calls as fast as they can; the node is killed mid-stream.
  std::mutex m;
  std::set<int64_t> acked;
  std::atomic<bool> stop{false};
  std::vector<std::thread> senders;
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; !stop; ++i) {
        try {
          auto r = app.post(dialpad_event(t * 100000 + i, "ringing", kT0 + i));
          if (r.status == 200) {
            std::lock_guard g(m);
            acked.insert(r.json().at("event_id").as_int64());
          }
        } catch (const std::exception&) {
          return;  // the node is gone
        }
      }
    });
  }
  REQUIRE(eventually([&] {
    std::lock_guard g(m);
    return acked.size() >= 300;
  }));
  server->stop(SIGKILL);
  stop = true;
  for (auto& t : senders) t.join();

  auto sql = db.connect();
  int64_t pending = 0, stored = 0;
  *sql << "SELECT COUNT(*) FROM webhook_events WHERE status = 'pending'", soci::into(pending);
  *sql << "SELECT COUNT(*) FROM webhook_events", soci::into(stored);
  INFO("stored " << stored << ", pending at the kill " << pending << ", acked " << acked.size());
  CHECK(pending > 0);  // the case under test: committed, answered, not yet processed
  CHECK(stored >= static_cast<int64_t>(acked.size()));
  for (auto id : acked) {
    int64_t n = 0;
    *sql << "SELECT COUNT(*) FROM webhook_events WHERE id = :id", soci::use(id), soci::into(n);
    CHECK(n == 1);  // every acknowledged delivery survived the kill
  }

  server = std::make_unique<server_process>(env_map{{"DATABASE_URL", db.url()}});
  app.port = server->port();
  REQUIRE(eventually(
      [&] {
        int64_t left = 0;
        *sql << "SELECT COUNT(*) FROM webhook_events WHERE status <> 'processed'", soci::into(left);
        return left == 0;
      },
      30s));
  // Each event applied once: one history row and one published event per stored delivery,
  // numbered 1..N without gaps or repeats.
  int64_t states = 0, events = 0, max_seq = 0, calls = 0;
  *sql << "SELECT COUNT(*) FROM cti_call_states", soci::into(states);
  *sql << "SELECT COUNT(*), MAX(seq) FROM cti_app_events", soci::into(events), soci::into(max_seq);
  *sql << "SELECT COUNT(*) FROM cti_calls", soci::into(calls);
  CHECK(states == stored);
  CHECK(events == stored);
  CHECK(max_seq == stored);
  CHECK(calls == stored);
  CHECK(app.get("/api/calls?limit=1").json().at("pagination").at("total") == stored);
}

TEST_CASE("events left unprocessed by a database outage are processed once it is back",
          "[cti][pg_restart]") {
  REQUIRE(dialect_under_test() == sb::config::dialect::postgresql);
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"DATABASE_BACKOFF_INITIAL", "50"},
                         {"DATABASE_BACKOFF_MAX", "500"},
                         {"DATABASE_PING_INTERVAL", "200"},
                         {"WEBHOOK_RETRY_BASE_MS", "200"}});
  auto app = cti_app::create(server.port(), "CRM");
  // Deliveries, acknowledged, and the database goes away while they are being processed.
  std::vector<std::thread> senders;
  std::atomic<int> acked{0};
  for (int t = 0; t < 8; ++t) {
    senders.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        if (app.post(dialpad_event(t * 1000 + i, "ringing", kT0 + i)).status == 200) ++acked;
      }
    });
  }
  for (auto& t : senders) t.join();
  REQUIRE(acked == 400);
  auto sql = db.connect();
  int64_t before = 0;
  *sql << "SELECT COUNT(*) FROM webhook_events WHERE status = 'processed'", soci::into(before);
  INFO("processed before the outage: " << before);
  CHECK(before < 400);  // the case under test: a backlog when the database goes
  sql.reset();
  stop_postgres();
  // Meanwhile Dialpad's deliveries are answered 503 (it retries those), never lost as 4xx.
  CHECK(app.post(dialpad_event(5000, "ringing", kT0)).status == 503);
  std::this_thread::sleep_for(1s);
  start_postgres();
  // No new delivery arrives: the stream must pick its backlog up by itself.
  sql = db.connect();
  CHECK(eventually(
      [&] {
        int64_t processed = 0;
        *sql << "SELECT COUNT(*) FROM webhook_events WHERE status = 'processed'",
            soci::into(processed);
        return processed == 400;
      },
      30s));
  int64_t events = 0;
  *sql << "SELECT COUNT(*) FROM cti_app_events", soci::into(events);
  CHECK(events == 400);
}
