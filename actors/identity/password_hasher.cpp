#include "actors/identity/password_hasher.hpp"

#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/census.hpp"

namespace sb {

namespace {

caf::behavior hasher_worker(caf::event_based_actor* self, crypto::password_cost cost) {
  static actor_census census{"password_hasher"};
  census.track(self);
  return {
      [=](hash_atom, const std::string& password) {
        census.on_message(self);
        return crypto::hash_password(password, cost);
      },
      [=](verify_atom, const std::string& hash, const std::string& password) {
        census.on_message(self);
        return crypto::verify_password(hash, password);
      },
  };
}

}  // namespace

password_hasher::password_hasher(caf::actor_system& sys, crypto::password_cost cost, size_t threads,
                                 size_t max_queue)
    : cost_(cost),
      max_queue_(max_queue),
      decoy_(crypto::hash_password(crypto::random_hex(16), cost)) {
  for (size_t i = 0; i < std::max<size_t>(1, threads); ++i) {
    workers_.push_back(sys.spawn<caf::detached>(hasher_worker, cost));
  }
}

password_hasher::~password_hasher() {
  stop();
}

void password_hasher::stop() {
  for (auto& w : workers_) caf::anon_send_exit(w, caf::exit_reason::user_shutdown);
}

std::optional<password_hasher::lease> password_hasher::try_lease() {
  if (queued_->fetch_add(1) >= max_queue_) {
    queued_->fetch_sub(1);
    return std::nullopt;
  }
  // The place is its deleter: the count drops when the last copy of the lease goes.
  std::shared_ptr<void> place(static_cast<void*>(queued_.get()),
                              [q = queued_](void*) { q->fetch_sub(1); });
  return lease{workers_[next_.fetch_add(1) % workers_.size()], std::move(place)};
}

}  // namespace sb
