#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace sb::config {

using std::chrono::milliseconds;

/// Limits of the HTTP/1.1 server (see docs/operations.md for the keys).
struct http_config {
  uint64_t body_limit = 1024 * 1024;     ///< bytes of request body; larger → 413
  uint64_t header_limit = 8 * 1024;      ///< bytes of request line + headers; larger → 431
  milliseconds request_timeout{30'000};  ///< time to receive one whole request
};

/// Limits and timers of WebSocket connections.
struct ws_config {
  uint64_t max_message_bytes = 64 * 1024;       ///< larger inbound messages get frame_too_large
  uint64_t outbound_queue_bytes = 1024 * 1024;  ///< hard budget; above it the client is closed
  uint64_t droppable_queue_bytes = 256 * 1024;  ///< above it, droppable frames (audio) are dropped
  milliseconds ping_interval{30'000};           ///< server ping period
  milliseconds idle_timeout{75'000};            ///< close after this long without any frame
  milliseconds close_timeout{5'000};            ///< wait for the peer's close before dropping TCP
  uint32_t max_inflight = 256;                  ///< requests a session may have unanswered
};

/// The database and its store actors.
struct database_config {
  std::string url = "sqlite:switchboard.db";
  uint32_t workers = 0;  ///< store workers; 0 = 1 on SQLite, 2 on PostgreSQL
  uint32_t max_batch = 512;
  milliseconds request_timeout{5'000};
  uint32_t connect_timeout_s = 3;
  milliseconds backoff_initial{100};
  milliseconds backoff_max{5'000};
  milliseconds ping_interval{5'000};
  milliseconds startup_timeout{60'000};
  std::string sqlite_synchronous = "full";
};

struct actors_config {
  uint32_t scheduler_threads = 0;  ///< 0 = one per core
  uint32_t max_throughput = 100;   ///< messages an actor handles before yielding its thread
};

struct log_config {
  std::string level = "info";
  bool json = false;
};

/// Everything a node is configured with. Loaded by `config::load` from defaults, a TOML file,
/// environment variables and flags, in that order of precedence.
struct node_config {
  std::string host = "0.0.0.0";
  uint16_t port = 8080;
  std::string port_file;    ///< if set, the bound port is written here once listening
  uint32_t io_threads = 0;  ///< 0 = one per core
  std::string environment = "development";
  milliseconds shutdown_timeout{10'000};
  http_config http;
  ws_config ws;
  database_config database;
  actors_config actors;
  log_config log;
};

}  // namespace sb::config
