// Calls over REST (the WebRTC signaling seed's paths), call history, ICE servers checked
// against a real coturn, and calls left open by a node that died.

#include <csignal>
#include <thread>

#include "tests/integration/call_fixture.hpp"
#include "tests/integration/cti_fixture.hpp"
#include "tests/support/smtp_sink.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

namespace {

http_reply post(call_fixture& f, const std::string& email, const std::string& path,
                const boost::json::value& body = nullptr) {
  return call(f.server.port(), "POST", path, f.token(email), body);
}

http_reply get(call_fixture& f, const std::string& email, const std::string& path) {
  return call(f.server.port(), "GET", path, f.token(email));
}

}  // namespace

TEST_CASE("the call lifecycle over REST reaches the parties' devices", "[calls]") {
  call_fixture f;
  auto bob_device = f.device("bob@calls.test");
  const std::string alice = "alice@calls.test", bob = "bob@calls.test";

  expect_problem(
      call(f.server.port(), "POST", "/api/calls/initiate", "", object{{"extension", "102"}}), 401,
      "unauthorized");
  expect_problem(post(f, alice, "/api/calls/initiate", object{}), 400, "bad_request");
  expect_problem(post(f, alice, "/api/calls/initiate", object{{"extension", "555"}}), 404,
                 "not_found");
  auto placed = post(f, alice, "/api/calls/initiate",
                     object{{"extension", "102"}, {"media", "video"}, {"roomId", "!room:test"}});
  REQUIRE(placed.status == 201);
  auto id = str(data_of(placed).at("id"));
  CHECK(data_of(placed).at("state") == "ringing");
  CHECK(data_of(placed).at("room_id") == "!room:test");
  auto ring = next_call_message(*bob_device, "call.incoming");
  CHECK(ring.at("media") == "video");

  expect_problem(post(f, alice, "/api/calls/" + id + "/answer"), 403, "forbidden");
  auto answered = post(f, bob, "/api/calls/" + id + "/answer");
  REQUIRE(answered.status == 200);
  CHECK(data_of(answered).at("state") == "active");
  expect_problem(post(f, bob, "/api/calls/" + id + "/answer"), 409, "conflict");

  // Signaling posted over REST reaches Bob's device.
  REQUIRE(post(f, alice, "/api/calls/" + id + "/offer", object{{"sdp", "v=0\r\n"}}).status == 200);
  CHECK(next_call_message(*bob_device, "call.offer").at("sdp") == "v=0\r\n");
  REQUIRE(
      post(f, alice, "/api/calls/" + id + "/ice-candidate",
           object{{"candidate", object{{"candidate", "candidate:1 1 udp 1 192.0.2.1 9 typ host"},
                                       {"sdpMLineIndex", 0}}}})
          .status == 200);
  CHECK(next_call_message(*bob_device, "call.ice").at("candidate").at("sdpMLineIndex") == 0);
  expect_problem(post(f, alice, "/api/calls/" + id + "/offer", object{}), 400, "bad_request");
  expect_problem(post(f, alice, "/api/calls/" + id + "/ice-candidate", object{{"candidate", 7}}),
                 400, "bad_request");

  // Toggles: no body flips, {"enabled"} sets.
  auto flipped = post(f, alice, "/api/calls/" + id + "/toggle-audio");
  CHECK(data_of(flipped).at("participants").at(0).at("audio") == false);
  CHECK(next_call_message(*bob_device, "call.media").at("audio") == false);
  auto set = post(f, alice, "/api/calls/" + id + "/toggle-video", object{{"enabled", false}});
  CHECK(data_of(set).at("participants").at(0).at("video") == false);

  // Active calls by principal: the user's own live calls here; an app's telephony calls there.
  auto active = get(f, alice, "/api/calls/active");
  REQUIRE(active.status == 200);
  REQUIRE(active.json().at("data").as_array().size() == 1);
  CHECK(active.json().at("data").at(0).at("id") == jv(id));
  auto app = cti_app::create(f.server.port(), "crm");
  auto app_view =
      http_request(f.server.port(), "GET", "/api/calls/active", "", {{"x-app-api-key", app.key}});
  REQUIRE(app_view.status == 200);
  CHECK(app_view.json().at("pagination").at("total") == 0);  // no Dialpad calls, not Alice's

  auto ended = post(f, bob, "/api/calls/" + id + "/end");
  REQUIRE(ended.status == 200);
  CHECK(data_of(ended).at("state") == "ended");
  CHECK(next_call_message(*bob_device, "call.ended").at("by") == jv(f.bob));
  expect_problem(post(f, alice, "/api/calls/" + id + "/end"), 409, "conflict");
  CHECK(get(f, alice, "/api/calls/active").json().at("data").as_array().empty());
  CHECK(data_of(get(f, alice, "/api/calls/" + id + "/status")).at("state") == "ended");
  expect_problem(get(f, "carol@calls.test", "/api/calls/" + id + "/status"), 403, "forbidden");
  expect_problem(get(f, alice, "/api/calls/00000000-0000-4000-8000-000000000000/status"), 404,
                 "not_found");

  // History: one's own, an admin's view of anyone's, nobody else's.
  auto mine = get(f, alice, "/api/v1/call-history");
  auto entry = str(mine.json().at("data").at(0).at("id"));
  CHECK(data_of(get(f, alice, "/api/v1/call-history/" + entry)).at("contactExtension") == "102");
  expect_problem(get(f, bob, "/api/v1/call-history/" + entry), 404, "not_found");
  expect_problem(get(f, bob, "/api/v1/call-history?userId=" + f.alice), 403, "forbidden");
  auto as_admin = call(f.server.port(), "GET", "/api/v1/call-history?userId=" + f.alice, f.admin);
  REQUIRE(as_admin.status == 200);
  CHECK(as_admin.json().at("pagination").at("total") == 1);
  CHECK(data_of(get(f, alice, "/api/v1/call-history/" + entry)).at("source") == "node");

  // A call the softphone made elsewhere: logged by the client, marked so, beside the node's.
  auto reported = post(f, alice, "/api/v1/call-history",
                       object{{"contactName", "Front desk"},
                              {"contactExtension", "200"},
                              {"direction", "outbound"},
                              {"timestamp", "2026-01-28T12:00:00.000Z"},
                              {"duration", 42},
                              {"answered", true}});
  REQUIRE(reported.status == 201);
  auto logged = data_of(reported);
  CHECK(logged.at("source") == "client");
  CHECK(logged.at("callId").is_null());
  CHECK(logged.at("userId") == jv(f.alice));
  CHECK(logged.at("outcome") == "answered");
  CHECK(logged.at("timestamp") == "2026-01-28T12:00:00.000Z");
  auto both = get(f, alice, "/api/v1/call-history").json();
  CHECK(both.at("pagination").at("total") == 2);
  CHECK(both.at("data").at(0).at("source") == "node");  // newest first: the node's call
  CHECK(both.at("data").at(1).at("id") == logged.at("id"));
  CHECK(data_of(get(f, alice, "/api/v1/call-history/" + entry)) ==
        as_admin.json().at("data").at(0));  // the node's entry is untouched
  expect_problem(get(f, bob, "/api/v1/call-history/" + str(logged.at("id"))), 404, "not_found");
  // Bad input names every field; nobody else's history can be written.
  auto bad = post(f, alice, "/api/v1/call-history",
                  object{{"contactName", ""},
                         {"direction", "sideways"},
                         {"timestamp", "yesterday"},
                         {"answered", false},
                         {"outcome", "answered"},
                         {"userId", f.bob}});
  expect_problem(bad, 400, "bad_request");
  CHECK(bad.json().at("errors").as_array().size() == 5);
  CHECK(get(f, bob, "/api/v1/call-history").json().at("pagination").at("total") == 1);
}

TEST_CASE("ICE servers hand out TURN credentials that a real coturn accepts", "[calls][turn]") {
  temp_dir dir;
  auto turn_port = free_port();
  const std::string secret = "turn-shared-secret-for-tests";
  child_process coturn("/usr/bin/turnserver",
                       {"-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                        "--listening-port=" + std::to_string(turn_port), "--use-auth-secret",
                        "--static-auth-secret=" + secret, "--realm=switchboard.test", "--no-tls",
                        "--no-dtls", "--no-cli", "--log-file=stdout", "--simple-log",
                        "--pidfile=" + dir.file("turn.pid"), "--allow-loopback-peers"},
                       {}, dir.file("coturn.log"));
  call_fixture f(env_map{{"TURN_SECRET", secret},
                         {"TURN_SERVER_URL", "turn:127.0.0.1:" + std::to_string(turn_port)},
                         {"TURN_TTL", "600"},
                         {"STUN_URLS", "stun:127.0.0.1:" + std::to_string(turn_port)}});
  auto r = get(f, "alice@calls.test", "/api/calls/ice-servers");
  REQUIRE(r.status == 200);
  auto servers = data_of(r);
  CHECK(servers.at("ttl") == 600);
  auto& list = servers.at("iceServers").as_array();
  REQUIRE(list.size() == 2);
  CHECK(list[0].at("urls").at(0) == jv("stun:127.0.0.1:" + std::to_string(turn_port)));
  auto username = str(list[1].at("username"));
  auto credential = str(list[1].at("credential"));
  auto colon = username.find(':');
  REQUIRE(colon != std::string::npos);
  CHECK(username.substr(colon + 1) == f.alice);
  auto expiry = std::stoll(username.substr(0, colon));
  CHECK(expiry > std::time(nullptr) + 500);
  CHECK(expiry <= std::time(nullptr) + 601);

  // An allocation with them succeeds; with a wrong password it does not.
  auto allocate = [&](const std::string& user, const std::string& password) {
    auto log = dir.file("uclient-" + std::to_string(std::rand()) + ".log");
    child_process client("/usr/bin/turnutils_uclient",
                         {"-y", "-n", "1", "-m", "1", "-l", "100", "-u", user, "-w", password, "-p",
                          std::to_string(turn_port), "127.0.0.1"},
                         {}, log);
    client.wait();
    return read_file(log);
  };
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // coturn binds
  auto good = allocate(username, credential);
  INFO(good);
  CHECK(good.find("tot_recv_msgs=4") != std::string::npos);
  CHECK(good.find("Cannot complete Allocation") == std::string::npos);
  auto bad = allocate(username, credential.substr(1) + "A");
  CHECK(bad.find("Cannot complete Allocation") != std::string::npos);
  coturn.stop(SIGTERM);
}

TEST_CASE("calls a dead node left open are marked failed when it restarts", "[calls]") {
  call_fixture f;
  auto [a, b] = f.devices("alice@calls.test", "bob@calls.test");
  auto id = call_fixture::ring(*a, *b);
  REQUIRE(call_fixture::act(*b, "call.answer", id).at("type") == "call.ok");
  f.server.stop(SIGKILL);

  server_process again(f.db.env_with({}));
  auto token = login(again.port(), "alice@calls.test", "a-long-enough-passphrase");
  boost::json::object status;
  for (int i = 0; i < 50; ++i) {
    status = data_of(call(again.port(), "GET", "/api/calls/" + id + "/status", token));
    if (status.at("state") != "active") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(status.at("state") == "failed");
  CHECK(status.at("end_reason") == "node_restart");
  auto history = call(again.port(), "GET", "/api/v1/call-history", token);
  auto entries = history.json().at("data").as_array();
  REQUIRE(entries.size() == 1);
  CHECK(entries[0].at("answered") == true);
  CHECK(entries[0].at("outcome") == "answered");
  // When the node died is unknown: the call is closed at its last event, the answer, so it
  // lasted no time at all (not the seconds the node was down).
  CHECK(entries[0].at("duration").as_int64() == 0);
}

TEST_CASE("two real WebRTC peers connect through the node's signaling only", "[calls][webrtc]") {
  // Alice on a native WebSocket, or on Socket.IO as the UCaaS softphone; Bob native.
  auto alice_kind = GENERATE(std::string("native"), std::string("socketio"));
  INFO("alice: " << alice_kind);
  call_fixture f;
  temp_dir dir;
  // Node.js with libwebrtc (@roamhq/wrtc, installed by tools/test.sh into tests/webrtc).
  child_process peers(
      "/usr/bin/node",
      {std::string(SB_SOURCE_DIR) + "/tests/webrtc/call_e2e.js", std::to_string(f.server.port()),
       f.token("alice@calls.test"), f.token("bob@calls.test"), "102", alice_kind},
      {}, dir.file("peers.log"));
  auto code = peers.wait();
  auto log = read_file(dir.file("peers.log"));
  INFO(log);
  CHECK(code == 0);
  CHECK(log.find("connected: call ") != std::string::npos);
  // The node relayed both directions' candidates and audited the call.
  auto history = call(f.server.port(), "GET", "/api/v1/call-history", f.token("alice@calls.test"));
  REQUIRE(history.json().at("data").as_array().size() == 1);
  CHECK(history.json().at("data").at(0).at("answered") == true);
}

}  // namespace sb::test
