#include <soci/soci.h>
#include <catch2/catch.hpp>

#include <thread>

#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;

TEST_CASE("ping is answered with pong and the same id", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  ws_client client(server.port(), authed(server));
  client.send_text(R"({"type":"ping","id":"1"})");
  CHECK(client.read() == R"({"type":"pong","id":"1"})");
  client.send_text(R"({"type":"ping","id":99})");
  CHECK(client.read() == R"({"type":"pong","id":99})");
  client.send_text(R"({"type":"ping"})");
  CHECK(client.read() == R"({"type":"pong"})");
}

TEST_CASE("echo is answered only once its note is committed", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  ws_client client(server.port(), authed(server));
  client.send_text(R"({"type":"echo","id":"e1","text":"hello, store"})");
  auto reply = client.read_json().as_object();
  CHECK(reply.at("type") == "echo.ok");
  CHECK(reply.at("id") == "e1");
  CHECK(reply.at("text") == "hello, store");
  auto note_id = reply.at("note_id").as_int64();
  // The reply promised a committed row: read it back over a separate connection.
  auto sql = db.connect();
  std::string body;
  std::string session;
  *sql << "SELECT body, session_id FROM notes WHERE id = :id", soci::use(note_id), soci::into(body),
      soci::into(session);
  CHECK(body == "hello, store");
  CHECK(session.starts_with("session:ws-"));
}

TEST_CASE("malformed messages get an error with the request id and a stable code", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"WS_MAX_MESSAGE_BYTES", "1024"}});
  ws_client client(server.port(), authed(server));
  client.send_text("{not json");
  auto bad_json = client.read_json().as_object();
  CHECK(bad_json.at("type") == "error");
  CHECK(bad_json.at("code") == "bad_json");
  CHECK_FALSE(bad_json.contains("id"));

  client.send_text(R"({"type":"fly","id":"7"})");
  auto unknown = client.read_json().as_object();
  CHECK(unknown.at("code") == "unknown_type");
  CHECK(unknown.at("id") == "7");

  client.send_text(R"({"type":"echo","id":8})");
  auto missing = client.read_json().as_object();
  CHECK(missing.at("code") == "bad_request");
  CHECK(missing.at("id") == 8);

  client.send_text(R"({"type":"echo","id":"big","text":")" + std::string(2000, 'x') + "\"}");
  auto big = client.read_json().as_object();
  CHECK(big.at("code") == "frame_too_large");
  CHECK(big.at("message") == "message of 2036 bytes exceeds the limit of 1024 bytes");

  client.send_binary("\x01\x02");
  CHECK(client.read_json().at("code") == "bad_request");

  // The connection survives all of it.
  client.send_text(R"({"type":"ping","id":"still here"})");
  CHECK(client.read() == R"({"type":"pong","id":"still here"})");
}

TEST_CASE("the examples of docs/protocol.md are byte-exact", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  ws_client client(server.port(), authed(server));
  client.send_text("{not json");
  CHECK(
      client.read() ==
      R"({"type":"error","code":"bad_json","message":"message is not valid JSON: syntax error"})");
  client.send_text(R"({"type":"fly","id":"7"})");
  CHECK(
      client.read() ==
      R"({"type":"error","id":"7","code":"unknown_type","message":"unknown message type \"fly\""})");
  client.send_text(R"({"type":"echo","id":8})");
  CHECK(
      client.read() ==
      R"({"type":"error","id":8,"code":"bad_request","message":"echo needs a string field text"})");
}

TEST_CASE("invalid UTF-8 closes the connection with 1007", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  // Beast's client does not validate outgoing text, so it can send the bad bytes.
  ws_client client(server.port(), authed(server));
  client.send_text("\xff\xfe");
  CHECK(client.wait_closed() == 1007);
}

TEST_CASE("upgrades to unknown paths or with a bad handshake are refused", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto opts = authed(server);
  opts.target = "/elsewhere";
  CHECK_THROWS(ws_client(server.port(), opts));
  auto old = raw_exchange(server.port(),
                          "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Version: 8\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  CHECK(old.starts_with("HTTP/1.1 426 "));
  CHECK(old.find("Sec-WebSocket-Version: 13") != std::string::npos);
}

TEST_CASE("a silent client is closed with 4000; one answering pings stays", "[ws]") {
  test_database db;
  server_process server(
      {{"DATABASE_URL", db.url()}, {"PING_INTERVAL", "100"}, {"WS_IDLE_TIMEOUT", "400"}});
  auto silent_opts = authed(server);
  silent_opts.reading = false;  // never reads, so never answers the server's pings
  ws_client silent(server.port(), silent_opts);
  ws_client lively(server.port(), authed(server));  // Beast answers pings while it reads
  std::this_thread::sleep_for(1200ms);
  silent.start_reading();
  CHECK(silent.wait_closed() == 4000);
  lively.send_text(R"({"type":"ping","id":1})");
  CHECK(lively.read() == R"({"type":"pong","id":1})");
}

TEST_CASE("a client too slow to read is closed with 4001 without slowing others", "[ws][timing]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()},
                         {"WS_OUTBOUND_QUEUE_BYTES", "131072"},
                         {"WS_DROPPABLE_QUEUE_BYTES", "65536"},
                         {"WS_CLOSE_TIMEOUT", "20000"},
                         {"WS_MAX_INFLIGHT", "1000"}});
  auto slow_opts = authed(server);
  slow_opts.reading = false;
  slow_opts.receive_buffer_bytes = 4096;
  ws_client slow(server.port(), slow_opts);
  ws_client fast(server.port(), authed(server));
  std::string text(30000, 's');
  // About 12 MB of replies: far more than socket buffers plus the 128 KiB budget.
  for (int i = 0; i < 400; ++i) {
    slow.send_text(R"({"type":"echo","id":)" + std::to_string(i) + R"(,"text":")" + text + "\"}");
  }
  fast.send_text(R"({"type":"ping","id":"fast"})");
  CHECK(fast.read(5s) == R"({"type":"pong","id":"fast"})");
  std::this_thread::sleep_for(1s);
  slow.start_reading();
  CHECK(slow.wait_closed(20s) == 4001);
  CHECK(slow.received_count() < 400);
  auto metrics = http_request(server.port(), "GET", "/metrics").body;
  CHECK(metrics.find("sb_ws_slow_consumer_closes_total 1") != std::string::npos);
}

TEST_CASE("a session may not leave too many requests unanswered", "[ws]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"WS_MAX_INFLIGHT", "1"}});
  ws_client client(server.port(), authed(server));
  int too_many = 0;
  int ok = 0;
  for (int i = 0; i < 50; ++i) {
    client.send_text(R"({"type":"echo","id":)" + std::to_string(i) + R"(,"text":"t"})");
  }
  for (int i = 0; i < 50; ++i) {
    auto m = client.read_json().as_object();
    if (m.at("type") == "echo.ok") ++ok;
    if (m.at("type") == "error" && m.at("code") == "too_many_requests") ++too_many;
  }
  CHECK(ok + too_many == 50);
  CHECK(ok >= 1);
  CHECK(too_many >= 1);
}
