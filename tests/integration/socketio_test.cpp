// The official socket.io-client (npm, tests/socketio) against the node's Socket.IO gateway:
// the UCaaS web client's chat events, both transports and the upgrade, and refused
// handshakes. What the clients did is then checked over REST.

#include "tests/integration/call_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

namespace {

/// One scenario of tests/socketio/chat_e2e.js between Alice and Bob, started.
struct scenario_run {
  scenario_run(call_fixture& f, std::string name)
      : name_(std::move(name)),
        client_("/usr/bin/node",
                {std::string(SB_SOURCE_DIR) + "/tests/socketio/chat_e2e.js", name_,
                 std::to_string(f.server.port()), f.token("alice@calls.test"),
                 f.token("bob@calls.test"), f.alice, f.bob},
                {}, dir_.file("client.log")) {}

  /// Waits for the end; checks that the scenario passed and returns its log.
  std::string finish() {
    auto code = client_.wait();
    auto log = read_file(dir_.file("client.log"));
    INFO(log);
    CHECK(code == 0);
    CHECK(log.find("ok: " + name_) != std::string::npos);
    return log;
  }

 private:
  temp_dir dir_;
  std::string name_;
  child_process client_;
};

std::string run_scenario(call_fixture& f, const std::string& name) {
  return scenario_run(f, name).finish();
}

}  // namespace

TEST_CASE("socket.io-client chats through the gateway: ack, receive, history, receipts, typing",
          "[socketio][chat]") {
  call_fixture f(env_map{{"CHAT_TYPING_EXPIRY_MS", "500"}, {"SOCKETIO_PING_INTERVAL_MS", "1000"}});
  run_scenario(f, "chat");
  // One message, though the client sent it twice; Bob read it.
  auto history = call(f.server.port(), "GET", "/api/v1/chat/conversations/" + f.alice + "/messages",
                      f.token("bob@calls.test"));
  auto messages = data_of(history).at("messages").as_array();
  REQUIRE(messages.size() == 1);
  CHECK(messages[0].at("content") == "hello");
  CHECK(messages[0].at("read") == true);
}

TEST_CASE("Socket.IO clients see their contacts' presence: online, away, offline",
          "[socketio][chat]") {
  call_fixture f(env_map{{"CHAT_PRESENCE_GRACE_MS", "200"}});
  run_scenario(f, "presence");
}

TEST_CASE("the softphone's calls over Socket.IO: dial by extension, SDP, ICE, hang up",
          "[socketio][calls]") {
  call_fixture f;
  run_scenario(f, "softphone");
}

TEST_CASE("the signaling seed's join-call flow over Socket.IO", "[socketio][calls]") {
  call_fixture f;
  run_scenario(f, "signaling");
}

TEST_CASE("a polling-only socket.io-client chats", "[socketio][chat]") {
  // Through fan-out lanes from the first connection on: a lane queues the poller's events.
  call_fixture f(env_map{{"CHAT_FANOUT_LANE_CONNECTIONS", "1"}});
  run_scenario(f, "polling");
}

TEST_CASE("refused Socket.IO handshakes surface as connect_error", "[socketio]") {
  call_fixture f;
  run_scenario(f, "auth");
}

TEST_CASE("a Socket.IO user and a native user chat with each other", "[socketio][chat]") {
  call_fixture f;
  auto bob = f.device("bob@calls.test");
  scenario_run alice(f, "interop");
  auto heard = next_call_message(*bob, "chat.message", std::chrono::seconds(10));
  CHECK(heard.at("message").at("content") == "from socket.io");
  auto sent = call_fixture::ask(
      *bob, object{{"type", "chat.send"}, {"to", f.alice}, {"content", "from native"}});
  CHECK(sent.at("type") == "chat.sent");
  alice.finish();
}

TEST_CASE("a Socket.IO event flood is refused past the budget, and nothing accepted is lost",
          "[socketio][chat]") {
  call_fixture f(env_map{{"RATE_LIMIT_WS_MESSAGES", "20"}});
  auto log = run_scenario(f, "flood");
  auto at = log.find("accepted: ");
  REQUIRE(at != std::string::npos);
  auto accepted = std::stoul(log.substr(at + 10));
  CHECK(accepted <= 20);
  auto history =
      call(f.server.port(), "GET", "/api/v1/chat/conversations/" + f.bob + "/messages?limit=100",
           f.token("alice@calls.test"));
  CHECK(data_of(history).at("messages").as_array().size() == accepted);
}

TEST_CASE("malformed Engine.IO and Socket.IO input closes the session with the protocol's error",
          "[socketio]") {
  call_fixture f;
  auto port = f.server.port();
  const std::string base = "/socket.io/?EIO=4&transport=polling";
  CHECK(http_request(port, "GET", "/socket.io/?EIO=3&transport=polling").status == 400);
  CHECK(http_request(port, "GET", "/socket.io/?EIO=4&transport=carrier-pigeon").status == 400);
  CHECK(http_request(port, "GET", base + "&sid=nope").status == 400);
  auto open = http_request(port, "GET", base);
  REQUIRE(open.status == 200);
  auto sid = std::string(boost::json::parse(open.body.substr(1)).at("sid").as_string());
  // Not an Engine.IO payload: 400, and the session is gone.
  CHECK(http_request(port, "POST", base + "&sid=" + sid, "abc").status == 400);
  CHECK(http_request(port, "GET", base + "&sid=" + sid).status == 400);
  // A valid Engine.IO message holding a malformed Socket.IO packet: the session is closed.
  open = http_request(port, "GET", base);
  sid = std::string(boost::json::parse(open.body.substr(1)).at("sid").as_string());
  CHECK(http_request(port, "POST", base + "&sid=" + sid, "42{\"not\":\"an array\"}").status == 200);
  auto closed = http_request(port, "GET", base + "&sid=" + sid);
  CHECK((closed.status == 400 || closed.body == "1"));
  // Over WebSocket: an invalid packet closes the connection.
  ws_client::options o;
  o.target = "/socket.io/?EIO=4&transport=websocket";
  ws_client raw(port, o);
  REQUIRE(raw.read(std::chrono::seconds(5)));  // the open packet
  raw.send_text("4abc");
  CHECK(raw.wait_closed(std::chrono::seconds(5)).has_value());
  // The node serves on.
  CHECK(http_request(port, "GET", "/health").status == 200);
  run_scenario(f, "polling");
}

TEST_CASE("CORS admits only the configured origins, with their preflights", "[socketio][cors]") {
  call_fixture f(env_map{{"CORS_ORIGIN", "https://app.example.test, https://admin.example.test"}});
  auto port = f.server.port();
  auto preflight = http_request(port, "OPTIONS", "/api/v1/chat/conversations", "",
                                {{"Origin", "https://app.example.test"},
                                 {"Access-Control-Request-Method", "GET"},
                                 {"Access-Control-Request-Headers", "authorization"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.headers["access-control-allow-origin"] == "https://app.example.test");
  CHECK(preflight.headers["access-control-allow-credentials"] == "true");
  CHECK(preflight.headers["access-control-allow-headers"] == "authorization");
  auto stranger = http_request(
      port, "OPTIONS", "/api/v1/chat/conversations", "",
      {{"Origin", "https://evil.example.test"}, {"Access-Control-Request-Method", "GET"}});
  CHECK(stranger.status == 403);
  CHECK(stranger.headers.count("access-control-allow-origin") == 0);
  auto polled = http_request(port, "GET", "/socket.io/?EIO=4&transport=polling", "",
                             {{"Origin", "https://admin.example.test"}});
  CHECK(polled.status == 200);
  CHECK(polled.headers["access-control-allow-origin"] == "https://admin.example.test");
  auto plain = http_request(port, "GET", "/health", "", {{"Origin", "https://evil.example.test"}});
  CHECK(plain.headers.count("access-control-allow-origin") == 0);
}

}  // namespace sb::test
