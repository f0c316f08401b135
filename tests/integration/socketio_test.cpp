// The official socket.io-client (npm, tests/socketio) against the node's Socket.IO gateway:
// the UCaaS web client's chat events, both transports and the upgrade, and refused
// handshakes. What the clients did is then checked over REST.

#include "tests/integration/call_fixture.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/temp_dir.hpp"

namespace sb::test {

namespace {

/// Runs one scenario of tests/socketio/chat_e2e.js between Alice and Bob; returns its log.
std::string run_scenario(call_fixture& f, const std::string& scenario) {
  temp_dir dir;
  child_process client("/usr/bin/node",
                       {std::string(SB_SOURCE_DIR) + "/tests/socketio/chat_e2e.js", scenario,
                        std::to_string(f.server.port()), f.token("alice@calls.test"),
                        f.token("bob@calls.test"), f.alice, f.bob},
                       {}, dir.file("client.log"));
  auto code = client.wait();
  auto log = read_file(dir.file("client.log"));
  INFO(log);
  CHECK(code == 0);
  CHECK(log.find("ok: " + scenario) != std::string::npos);
  return log;
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

TEST_CASE("a polling-only socket.io-client chats", "[socketio][chat]") {
  call_fixture f;
  run_scenario(f, "polling");
}

TEST_CASE("refused Socket.IO handshakes surface as connect_error", "[socketio]") {
  call_fixture f;
  run_scenario(f, "auth");
}

}  // namespace sb::test
