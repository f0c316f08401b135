#pragma once

#include <caf/event_based_actor.hpp>

#include <string>

#include "actors/identity/identity_atoms.hpp"
#include "api/context.hpp"
#include "protocols/http/message.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

// Steps of a request actor that use the password hasher pool (argon2id runs there, off the
// I/O and scheduler threads). On failure they answer 500 and end the actor, like store_step.

/// Hashes `password`, then calls `ok(const std::string& hash)`.
template <class Ok>
void hash_step(caf::event_based_actor* self, context& ctx, std::string path, std::string password,
               http::responder respond, Ok ok) {
  self->request(ctx.hasher.next(), caf::infinite, hash_atom::value, std::move(password))
      .then([ok](std::string& hash) mutable { ok(hash); },
            [self, respond, path](caf::error&) {
              respond(http::problem(errc::internal, "could not hash the password", path));
              self->quit();
            });
}

/// Checks `password` against `hash`, then calls `ok(bool matches)`.
template <class Ok>
void verify_step(caf::event_based_actor* self, context& ctx, std::string path, std::string hash,
                 std::string password, http::responder respond, Ok ok) {
  self->request(ctx.hasher.next(), caf::infinite, verify_atom::value, std::move(hash),
                std::move(password))
      .then([ok](bool matches) mutable { ok(matches); },
            [self, respond, path](caf::error&) {
              respond(http::problem(errc::internal, "could not check the password", path));
              self->quit();
            });
}

}  // namespace sb::api
