#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "config/database_url.hpp"
#include "config/ground/errc.hpp"
#include "config/node_config.hpp"
#include "persistence/store_actors.hpp"

namespace sb::persistence {

/// Which worker's queue a request joins: every request with one key goes to one worker, so the
/// requests of one entity commit in the order they were sent. Made from any stable name of the
/// entity ("group:<id>", a session id, …).
class shard_key {
 public:
  shard_key(std::string_view entity) : value_(std::hash<std::string_view>{}(entity)) {}  // NOLINT
  shard_key(const std::string& entity) : shard_key(std::string_view(entity)) {}          // NOLINT
  shard_key(const char* entity) : shard_key(std::string_view(entity)) {}                 // NOLINT

  /// The key of the worker after this one's: a different worker whenever there are several
  /// (a webhook stream commits deliveries apart from its processing).
  shard_key next() const { return shard_key(value_ + 1); }

  uint64_t value() const noexcept { return value_; }

 private:
  explicit shard_key(uint64_t value) : value_(value) {}
  uint64_t value_;
};

/// The thread-safe front of the store: maps a shard key to the worker actor that owns it.
/// Requests for one key always reach the same worker, so they commit in the order sent.
/// While a worker is down (restarting, database unreachable) its key routes to the supervisor,
/// which answers db_unavailable at once: requests fail fast instead of waiting.
class store {
 public:
  store(config::database_target target, size_t workers);

  /// The actor to send `(store_atom, store_job_ptr)` to for the requests of `entity` (any
  /// stable key: "group:<id>", a session id, …): its shard's worker, or while that is down the
  /// supervisor. Use store_client (store_client.hpp) rather than this.
  store_route route(shard_key key) const;

  const config::database_target& target() const noexcept { return target_; }
  config::dialect dialect() const noexcept { return target_.kind; }
  size_t workers() const noexcept { return workers_.size(); }
  size_t live_workers() const;

  /// Seconds a client should wait before retrying after db_unavailable (HTTP Retry-After).
  std::chrono::seconds retry_after() const;

  /// The supervisor actor (for drain requests).
  store_supervisor_actor supervisor() const;

  // -- used by the supervisor --
  void publish(size_t index, store_worker_actor worker);
  void withdraw(size_t index);
  void set_supervisor(store_supervisor_actor supervisor);
  void set_retry_after(std::chrono::milliseconds delay);

 private:
  config::database_target target_;
  mutable std::mutex mutex_;
  std::vector<store_worker_actor> workers_;
  store_supervisor_actor supervisor_;
  std::atomic<int64_t> retry_after_ms_{1000};
};

using store_ptr = std::shared_ptr<store>;

/// Spawns the supervisor and its workers. Workers connect on their own threads; until one is
/// ready its shard answers db_unavailable.
store_ptr start_store(caf::actor_system& sys, const config::database_target& target,
                      const config::database_config& cfg);

/// Maps a failed store request to the public vocabulary: a worker that died while holding the
/// request means the database went away.
errc store_errc(const caf::error& err);

/// What a client is told, over HTTP and WebSocket alike, when the database's disk is full.
inline constexpr std::string_view kStorageFullText =
    "the database's disk is full; nothing was stored";

/// The client-safe message a job attached to its failure (store_error), or "".
std::string store_error_message(const caf::error& err);

/// What a client is told of a failed request: the failure's own message, else "the database is
/// unavailable, retry later" for db_unavailable, else `fallback`.
std::string client_message(const caf::error& err, std::string_view fallback);

}  // namespace sb::persistence
