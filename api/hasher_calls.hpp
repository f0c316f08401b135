#pragma once

#include <caf/event_based_actor.hpp>

#include <string>

#include "actors/runtime/atoms.hpp"
#include "api/context.hpp"
#include "protocols/http/message.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

// Steps of a request actor that use the password hasher pool (argon2id runs there, off the
// I/O and scheduler threads). On failure they answer and end the actor, like store_step: 503
// overloaded with Retry-After when the hashing queue is full (auth.hasher_max_queue), 500 when
// the hasher fails.

/// The answer to a request that found the hashing queue full.
inline http::response hasher_busy(std::string_view path) {
  auto r =
      http::problem(errc::overloaded, "too many password checks are waiting; retry shortly", path);
  r.set_header("Retry-After", "1");
  return r;
}

/// Asks a hasher worker `msg...` and calls `ok(result)`; `what` names the work for the 500.
template <class Result, class Ok, class... Ts>
void hasher_step(caf::event_based_actor* self, context& ctx, std::string path,
                 http::responder respond, std::string_view what, Ok ok, Ts&&... msg) {
  auto lease = ctx.hasher.try_lease();
  if (!lease) {
    respond(hasher_busy(path));
    return self->quit();
  }
  self->request(lease->worker, caf::infinite, std::forward<Ts>(msg)...)
      .then([ok, place = lease->place](Result& r) mutable { ok(r); },
            [self, respond, path, what = std::string(what), place = lease->place](caf::error&) {
              respond(http::problem(errc::internal, "could not " + what, path));
              self->quit();
            });
}

/// Hashes `password`, then calls `ok(const std::string& hash)`.
template <class Ok>
void hash_step(caf::event_based_actor* self, context& ctx, std::string path, std::string password,
               http::responder respond, Ok ok) {
  hasher_step<std::string>(self, ctx, std::move(path), std::move(respond), "hash the password",
                           std::move(ok), hash_atom::value, std::move(password));
}

/// Checks `password` against `hash`, then calls `ok(bool matches)`.
template <class Ok>
void verify_step(caf::event_based_actor* self, context& ctx, std::string path, std::string hash,
                 std::string password, http::responder respond, Ok ok) {
  hasher_step<bool>(self, ctx, std::move(path), std::move(respond), "check the password",
                    std::move(ok), verify_atom::value, std::move(hash), std::move(password));
}

}  // namespace sb::api
