#pragma once

#include <spdlog/spdlog.h>
#include <caf/actor_system.hpp>
#include <caf/event_based_actor.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "actors/runtime/atoms.hpp"
#include "config/ground/errc.hpp"
#include "persistence/store.hpp"
#include "persistence/store_job.hpp"

namespace sb::persistence {

/// Why a store request failed, in the public vocabulary: its code (db_unavailable, timeout,
/// not_found, conflict, …) and the message the job gave with a store_error, if any.
struct store_failure {
  errc code = errc::internal;
  std::string message;

  static store_failure of(const caf::error& err);
  /// The failure as an actor's reply error (for a response promise).
  caf::error to_error() const;
};

/// The one way to ask the store. `fn(soci::session&)` returns a value (the job's typed
/// result); it runs inside a group-commit transaction on the worker of its shard key
/// (store.hpp), so the requests of one entity commit in the order they were sent. `ok(result&)`
/// runs after the commit, `fail(store_failure)` instead when the job, the database or the timeout
/// failed; both on the asking actor's thread. A job may run more than once (store_job.hpp): it must
/// have no effect outside the database. `name` names the job in logs and metrics and must be a
/// string literal.
class store_client {
 public:
  store_client() = default;
  store_client(store_ptr store, std::chrono::milliseconds timeout)
      : store_(std::move(store)), timeout_(timeout) {}

  /// From inside an actor (dynamically typed or typed).
  template <class Self, class F, class Ok, class Fail>
  void ask(Self* self, shard_key key, std::string_view name, F fn, Ok ok, Fail fail) const {
    ask(self, std::move(key), make_result_job(name, std::move(fn)), std::move(ok), std::move(fail));
  }

  /// Like ask, with a job made beforehand (one of a kind the worker may batch, say).
  template <class Self, class T, class Ok, class Fail>
  void ask(Self* self, shard_key key, result_job<T> job, Ok ok, Fail fail) const {
    self->request(store_->route(key), timeout_, store_atom::value, job.job)
        .then([job, ok = std::move(ok)]() mutable { ok(**job.value); },
              [fail = std::move(fail)](caf::error& err) mutable { fail(store_failure::of(err)); });
  }

  /// Like ask, but the actor takes no other message until the answer arrives (CAF's await):
  /// for state transitions that must apply one at a time, in order (a call's).
  template <class Self, class F, class Ok, class Fail>
  void ask_awaited(Self* self, shard_key key, std::string_view name, F fn, Ok ok, Fail fail) const {
    auto job = make_result_job(name, std::move(fn));
    self->request(store_->route(key), timeout_, store_atom::value, job.job)
        .await([job, ok = std::move(ok)]() mutable { ok(**job.value); },
               [fail = std::move(fail)](caf::error& err) mutable { fail(store_failure::of(err)); });
  }

  /// From outside an actor (an HTTP handler on an I/O thread): a short-lived actor asks, calls
  /// `ok` or `fail` on its own thread, and ends.
  template <class F, class Ok, class Fail>
  void ask(caf::actor_system& sys, shard_key key, std::string_view name, F fn, Ok ok,
           Fail fail) const {
    sys.spawn([client = *this, key, name, fn = std::move(fn), ok,
               fail](caf::event_based_actor* self) mutable {
      client.ask(
          self, key, name, std::move(fn),
          [self, ok](auto& result) mutable {
            ok(result);
            self->quit();
          },
          [self, fail](store_failure f) mutable {
            fail(std::move(f));
            self->quit();
          });
    });
  }

  /// Start-up work that must not be lost to a database still coming up: asks until the job
  /// commits, then calls `done(result&)`. While the store cannot answer it warns "cannot <what>
  /// yet" and tries again every `every`. It gives up when `owner` terminates (the node is
  /// stopping), watching it with a monitor: a link would, in CAF 0.17, take `owner` down when
  /// the asking actor quits normally.
  template <class Owner, class F, class Done>
  void ask_until_committed(caf::actor_system& sys, Owner owner, std::chrono::milliseconds every,
                           std::string_view name, F fn, Done done, std::string what) const {
    sys.spawn([client = *this, owner, every, name, fn, done,
               what](caf::event_based_actor* self) -> caf::behavior {
      self->monitor(owner);
      self->set_down_handler([self](caf::down_msg&) { self->quit(); });
      self->send(self, tick_atom::value);
      return {
          [=](tick_atom) {
            client.ask(
                self, name, name, fn,
                [self, done](auto& result) mutable {
                  done(result);
                  self->quit();
                },
                [self, every, what](const store_failure& f) {
                  spdlog::warn("cannot {} yet: {}", what,
                               f.message.empty() ? std::string(code_string(f.code)) : f.message);
                  self->delayed_send(self, every, tick_atom::value);
                });
          },
      };
    });
  }

  const store_ptr& backend() const noexcept { return store_; }
  std::chrono::milliseconds timeout() const noexcept { return timeout_; }

 private:
  store_ptr store_;
  std::chrono::milliseconds timeout_{5000};
};

}  // namespace sb::persistence
