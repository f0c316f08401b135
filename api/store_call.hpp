#pragma once

#include <caf/event_based_actor.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "api/context.hpp"
#include "persistence/store_client.hpp"
#include "protocols/http/message.hpp"

namespace sb::api {

/// The problem response for a failed store request: its code, the job's own message when it
/// gave one (store_error), and Retry-After when the database is unavailable.
http::response store_problem(const context& ctx, const persistence::store_failure& f,
                             std::string_view instance);

// Route steps over the store client (persistence/store_client.hpp): on failure they answer
// with the problem response.

/// Runs `fn(soci::session&)` in the store, then `then(result&)` after the commit. `then`
/// answers itself (or starts another step).
template <class F, class Then>
void continue_from_store(context& ctx, const http::request& req, persistence::shard_key key,
                         std::string_view job_name, F fn, http::responder respond, Then then) {
  ctx.store.ask(
      ctx.sys, key, job_name, std::move(fn), [then](auto& result) mutable { then(result); },
      [respond, &ctx, path = req.path](const persistence::store_failure& f) {
        respond(store_problem(ctx, f, path));
      });
}

/// Runs `fn(soci::session&)` in the store and answers with `ok(result&)` after the commit.
template <class F, class Ok>
void answer_from_store(context& ctx, const http::request& req, persistence::shard_key key,
                       std::string_view job_name, F fn, http::responder respond, Ok ok) {
  continue_from_store(ctx, req, key, job_name, std::move(fn), respond,
                      [respond, ok](auto& result) mutable { respond(ok(result)); });
}

/// Inside a request actor: runs `fn` in the store, then `ok(result&)`; on failure answers with
/// the problem response and ends the actor.
template <class F, class Ok>
void store_step(caf::event_based_actor* self, context& ctx, std::string path,
                persistence::shard_key key, std::string_view job_name, F fn,
                http::responder respond, Ok ok) {
  ctx.store.ask(
      self, key, job_name, std::move(fn), [ok](auto& result) mutable { ok(result); },
      [self, &ctx, path, respond](const persistence::store_failure& f) {
        respond(store_problem(ctx, f, path));
        self->quit();
      });
}

}  // namespace sb::api
