#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "config/ground/crypto.hpp"

namespace sb {

/// A pool of detached actors that hash and verify passwords (argon2id is slow on purpose, so
/// it never runs on an I/O or scheduler thread). Thread-safe: hand out workers round robin.
/// The queue is bounded: a flood of logins must not push a real one behind minutes of hashing,
/// so past `max_queue` jobs waiting or running, callers are refused and answer 503.
///
/// Worker messages: (hash_atom, std::string password) → std::string hash;
///                  (verify_atom, std::string hash, std::string password) → bool.
class password_hasher {
 public:
  password_hasher(caf::actor_system& sys, crypto::password_cost cost, size_t threads,
                  size_t max_queue);
  ~password_hasher();

  /// A worker to ask, and a place in the queue held until the lease is destroyed (capture it
  /// in the reply handlers).
  struct lease {
    caf::actor worker;
    std::shared_ptr<void> place;
  };

  /// nullopt when max_queue jobs are waiting or running already.
  std::optional<lease> try_lease();

  /// Stops the workers (also done by the destructor); call before awaiting all actors.
  void stop();
  const crypto::password_cost& cost() const { return cost_; }

  /// A hash of a random password with the configured cost: verifying against it takes as long
  /// as a real check, so unknown accounts answer as slowly as known ones.
  const std::string& decoy_hash() const { return decoy_; }

 private:
  crypto::password_cost cost_;
  std::vector<caf::actor> workers_;
  std::atomic<size_t> next_{0};
  size_t max_queue_;
  std::shared_ptr<std::atomic<size_t>> queued_ = std::make_shared<std::atomic<size_t>>(0);
  std::string decoy_;
};

}  // namespace sb
