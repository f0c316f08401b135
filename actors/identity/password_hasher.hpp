#pragma once

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include <atomic>
#include <vector>

#include "actors/runtime/crypto.hpp"

namespace sb {

/// A pool of detached actors that hash and verify passwords (argon2id is slow on purpose, so
/// it never runs on an I/O or scheduler thread). Thread-safe: hand out workers round robin.
///
/// Worker messages: (hash_atom, std::string password) → std::string hash;
///                  (verify_atom, std::string hash, std::string password) → bool.
class password_hasher {
 public:
  password_hasher(caf::actor_system& sys, crypto::password_cost cost, size_t threads);
  ~password_hasher();

  caf::actor next();

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
  std::string decoy_;
};

}  // namespace sb
