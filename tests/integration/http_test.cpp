#include <catch2/catch.hpp>

#include <soci/soci.h>

#include <cstdlib>
#include <regex>

#include "tests/support/auth.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;

namespace {

void check_problem(const http_reply& r, unsigned status, const std::string& code) {
  CHECK(r.status == status);
  CHECK(r.header("content-type") == "application/problem+json");
  auto body = r.json().as_object();
  CHECK(body.at("status").as_int64() == status);
  CHECK(body.at("code").as_string() == code);
  CHECK(body.at("type").as_string() == "https://switchboard.dev/problems/" + code);
  CHECK(body.contains("title"));
  CHECK(body.contains("detail"));
}

}  // namespace

TEST_CASE("GET /health reports the node and its database", "[http]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}, {"NODE_ENV", "test"}});
  auto r = http_request(server.port(), "GET", "/health");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "application/json");
  auto body = r.json().as_object();
  CHECK(body.at("status").as_string() == "healthy");
  CHECK(std::regex_match(std::string(body.at("timestamp").as_string()),
                         std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
  CHECK(body.at("uptime").is_number());
  CHECK(body.at("environment").as_string() == "test");
  CHECK(body.at("port").as_int64() == server.port());
  CHECK(body.at("version").is_string());
  auto database = body.at("database").as_object();
  CHECK(database.at("status").as_string() == "up");
  CHECK(database.at("dialect").as_string() ==
        (db.dialect() == sb::config::dialect::sqlite ? "sqlite" : "postgresql"));
  CHECK(database.at("workers_live") == database.at("workers"));
}

TEST_CASE("a node configured by the seed's DB_* settings runs on that PostgreSQL", "[http]") {
  test_database db;
  if (db.dialect() != sb::config::dialect::postgresql) return;  // needs the test's server
  server_process server({{"DB_HOST", std::getenv("SB_TEST_PG_HOST")},
                         {"DB_PORT", std::getenv("SB_TEST_PG_PORT")},
                         {"DB_USER", std::getenv("SB_TEST_PG_USER")},
                         {"DB_NAME", db.name()},
                         {"DB_MAX_CLIENTS", "3"}});
  auto database = http_request(server.port(), "GET", "/health").json().at("database").as_object();
  CHECK(database.at("dialect").as_string() == "postgresql");
  CHECK(database.at("workers").as_int64() == 3);
  CHECK(database.at("workers_live").as_int64() == 3);
  // The node migrated that database: it is the one it uses.
  int applied = 0;
  *db.connect() << "SELECT COUNT(*) FROM schema_migrations", soci::into(applied);
  CHECK(applied > 0);
}

TEST_CASE("GET /metrics exposes Prometheus text with the node's instruments", "[http]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  ws_client client(server.port(), authed(server));
  client.send_text(R"({"type":"echo","id":1,"text":"m"})");
  REQUIRE(client.read_json().at("type") == "echo.ok");
  http_request(server.port(), "GET", "/nowhere");
  auto r = http_request(server.port(), "GET", "/metrics");
  CHECK(r.status == 200);
  CHECK(r.header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
  for (const char* line :
       {"sb_connections{protocol=\"websocket\"} 1", "sb_actors{kind=\"session\"} 1",
        "# TYPE sb_actor_mailbox_depth histogram", "sb_actor_messages_total{kind=\"session\"} ",
        "sb_store_queue_depth{worker=\"0\"} ", "sb_store_batch_size_bucket{le=\"1\"} ",
        "# TYPE sb_store_commit_seconds histogram", "sb_store_worker_restarts_total 0",
        "sb_store_workers_live ", "sb_errors_total{code=\"not_found\"} 1",
        "sb_http_requests_total{class=\"4xx\"} 1", "sb_uptime_seconds ",
        "sb_ws_frames_out_total "}) {
    INFO(line);
    CHECK(r.body.find(line) != std::string::npos);
  }
}

TEST_CASE("the seeds' probes: /metrics as JSON, /api/health and /api/ready", "[http]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto iso = std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
  // The CTI seed's JSON to a client that asks for it; Prometheus text to anyone else.
  auto m = http_request(server.port(), "GET", "/metrics", {}, {{"Accept", "application/json"}});
  CHECK(m.status == 200);
  CHECK(m.header("content-type") == "application/json");
  CHECK(m.body.find("E") == std::string::npos);  // 3600.5, not 3.6005E3
  auto metrics = m.json().as_object();
  CHECK(std::regex_match(std::string(metrics.at("timestamp").as_string()), iso));
  auto memory = metrics.at("memory").as_object();
  // Under AddressSanitizer malloc is ASan's, and glibc's statistics read zero.
  if (server_process::rss_is_meaningful) CHECK(memory.at("heap_used_mb").as_int64() > 0);
  CHECK(memory.at("heap_total_mb").as_int64() >= memory.at("heap_used_mb").as_int64());
  CHECK(memory.at("external_mb").as_int64() >= 0);
  CHECK(metrics.at("uptime_seconds").is_number());
  CHECK(http_request(server.port(), "GET", "/metrics", {}, {{"Accept", "text/plain"}})
            .body.find("# TYPE") != std::string::npos);

  auto health = http_request(server.port(), "GET", "/api/health");
  CHECK(health.status == 200);
  CHECK(health.json().at("status") == "ok");
  CHECK(std::regex_match(std::string(health.json().at("timestamp").as_string()), iso));

  auto ready = http_request(server.port(), "GET", "/api/ready");
  CHECK(ready.status == 200);
  auto body = ready.json().as_object();
  CHECK(body.at("ready") == true);
  CHECK(body.at("services").at("database").at("ok") == true);
  CHECK(body.at("services").at("router").at("ok") == true);
  CHECK(body.at("services").at("router").at("port").as_int64() == server.voiceping_port());
}

TEST_CASE("unknown routes and wrong methods are problem+json 404 and 405", "[http]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  check_problem(http_request(server.port(), "GET", "/api/v1/nothing"), 404, "not_found");
  auto wrong = http_request(server.port(), "DELETE", "/health");
  check_problem(wrong, 405, "method_not_allowed");
  CHECK(wrong.header("allow") == "GET");
  check_problem(http_request(server.port(), "GET", "/other"), 404, "not_found");
}

TEST_CASE("request bodies and headers have size limits", "[http]") {
  test_database db;
  server_process server(
      {{"DATABASE_URL", db.url()}, {"HTTP_BODY_LIMIT", "1024"}, {"HTTP_HEADER_LIMIT", "2048"}});
  check_problem(http_request(server.port(), "POST", "/health", std::string(4096, 'x')), 413,
                "payload_too_large");
  auto big_header = raw_exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " +
                                                    std::string(4096, 'h') + "\r\n\r\n");
  CHECK(big_header.starts_with("HTTP/1.1 431 "));
  CHECK(big_header.find("\"code\":\"headers_too_large\"") != std::string::npos);
  auto garbage = raw_exchange(server.port(), "HELLO THERE\r\n\r\n");
  CHECK(garbage.starts_with("HTTP/1.1 400 "));
  CHECK(garbage.find("\"code\":\"bad_request\"") != std::string::npos);
  // The server is unharmed.
  CHECK(http_request(server.port(), "GET", "/health").status == 200);
}

TEST_CASE("keep-alive connections serve several requests", "[http]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto two = raw_exchange(server.port(),
                          "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"
                          "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  CHECK(two.starts_with("HTTP/1.1 200 "));
  CHECK(two.find("HTTP/1.1 404 ") != std::string::npos);
}

TEST_CASE("chunked trailers share the header limit and never take the server down",
          "[http][security]") {
  test_database db;
  server_process server({{"DATABASE_URL", db.url()}});
  auto chunked = [&](size_t trailer_bytes) {
    return raw_exchange(server.port(),
                        "POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                        "5\r\nhello\r\n0\r\nX-Trailer: " +
                            std::string(trailer_bytes, 't') + "\r\n\r\n");
  };
  // Over the 8 KiB header limit: refused with 431, however large (Beast throws from 64 KiB).
  for (size_t size : {9'000, 65'533, 65'534, 200'000}) {
    INFO("trailer of " << size << " bytes");
    auto answer = chunked(size);
    CHECK(answer.starts_with("HTTP/1.1 431 "));
    CHECK(answer.find("\"code\":\"headers_too_large\"") != std::string::npos);
  }
  // A small trailer is fine.
  CHECK(chunked(100).starts_with("HTTP/1.1 405 "));
  // 300 more of them leave a handful of log lines, not one each.
  for (int i = 0; i < 300; ++i) chunked(65'534);
  auto log = server.log();
  CHECK(std::count(log.begin(), log.end(), '\n') < 50);
  CHECK(http_request(server.port(), "GET", "/health").status == 200);
}
