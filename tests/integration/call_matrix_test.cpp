// Matrix m.call.* events for a call in a room: sent through the homeserver's client-server
// API with the bot's token, from an outbox, so a homeserver outage delays them but loses or
// duplicates none.

#include <atomic>
#include <set>
#include <thread>

#include "tests/integration/call_fixture.hpp"
#include "tests/support/fake_http_server.hpp"

namespace sb::test {

TEST_CASE("a call in a Matrix room sends m.call.* events that survive a homeserver outage",
          "[calls][matrix]") {
  std::atomic<bool> down{true};
  std::atomic<int> next_event{0};
  fake_http_server homeserver([&](const fake_http_server::request&) -> fake_http_server::reply {
    if (down) return {503, R"({"errcode":"M_UNKNOWN","error":"down for maintenance"})"};
    return {200, R"({"event_id":"$e)" + std::to_string(++next_event) + R"("})"};
  });
  call_fixture f(env_map{{"MATRIX_HOMESERVER_URL", homeserver.url()},
                         {"MATRIX_BOT_TOKEN", "bot-secret-token"},
                         {"MATRIX_RETRY_BASE_MS", "100"},
                         {"MATRIX_RETRY_MAX_MS", "300"},
                         {"CALL_RING_TIMEOUT_MS", "60000"}});
  auto [a, b] = f.devices("alice@calls.test", "bob@calls.test");
  const std::string offer = "v=0\r\no=- 7 2 IN IP4 127.0.0.1\r\n";
  auto id = str(
      call_fixture::invite(*a, "102", {{"room_id", "!room:matrix.test"}, {"sdp", offer}}).at("id"));
  CHECK(next_call_message(*b, "call.incoming").at("sdp") == jv(offer));
  REQUIRE(call_fixture::act(*b, "call.answer", id).at("type") == "call.ok");
  REQUIRE(
      call_fixture::act(*b, "call.answer_sdp", id, {{"sdp", "v=0\r\na=answer\r\n"}}).at("type") ==
      "call.ok");
  REQUIRE(call_fixture::act(
              *a, "call.ice", id,
              {{"candidate",
                {{"candidate", "candidate:1 1 udp 9 192.0.2.7 5 typ host"}, {"sdpMid", "0"}}}})
              .at("type") == "call.ok");
  REQUIRE(call_fixture::act(*a, "call.end", id).at("type") == "call.ok");

  // The homeserver refused everything so far; the events wait in the outbox.
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  CHECK(!homeserver.requests().empty());
  down = false;

  for (int i = 0; i < 100 && next_event < 4; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(next_event == 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // nothing more may come
  CHECK(next_event == 4);
  std::set<std::string> paths;
  for (const auto& r : homeserver.requests()) {
    CHECK(r.method == "PUT");
    CHECK(r.authorization == "Bearer bot-secret-token");
    paths.insert(r.target);
  }
  // Retries reuse the transaction id: four events, four distinct paths, in order.
  REQUIRE(paths.size() == 4);
  auto reqs = homeserver.requests();
  std::vector<std::string> order;
  std::vector<boost::json::object> contents;
  for (const auto& r : reqs) {
    if (std::find(order.begin(), order.end(), r.target) != order.end()) continue;
    order.push_back(r.target);
    contents.push_back(boost::json::parse(r.body).as_object());
  }
  const std::string room = "/_matrix/client/v3/rooms/%21room%3Amatrix.test/send/";
  REQUIRE(order.size() == 4);
  CHECK(order[0].rfind(room + "m.call.invite/sb", 0) == 0);
  CHECK(order[1].rfind(room + "m.call.answer/sb", 0) == 0);
  CHECK(order[2].rfind(room + "m.call.candidates/sb", 0) == 0);
  CHECK(order[3].rfind(room + "m.call.hangup/sb", 0) == 0);
  for (const auto& c : contents) {
    CHECK(c.at("call_id") == jv(id));
    CHECK(c.at("version") == "1");
    CHECK(c.at("party_id").as_string().size() == 12);
  }
  CHECK(contents[0].at("offer").at("type") == "offer");
  CHECK(contents[0].at("offer").at("sdp") == jv(offer));
  CHECK(contents[0].at("lifetime") == 60000);
  CHECK(contents[1].at("answer").at("sdp") == "v=0\r\na=answer\r\n");
  CHECK(contents[2].at("candidates").at(0).at("sdpMid") == "0");
  CHECK(contents[3].at("reason") == "user_hangup");
  CHECK(contents[0].at("party_id") != contents[1].at("party_id"));
}

}  // namespace sb::test
