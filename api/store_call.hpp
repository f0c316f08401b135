#pragma once

#include <caf/event_based_actor.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "api/context.hpp"
#include "persistence/store_ask.hpp"
#include "protocols/http/message.hpp"

namespace sb::api {

/// The problem response for a failed store request: its code, the job's own message when it
/// gave one (store_error), and Retry-After when the database is unavailable.
http::response store_problem(const context& ctx, const caf::error& err, std::string_view instance);

/// The shard of an entity: requests about one entity go to one store worker, in order.
inline uint64_t shard_of(std::string_view entity) {
  return std::hash<std::string_view>{}(entity);
}

/// Runs `fn(soci::session&)` in the store, then `then(result&)` after the commit; on failure
/// answers with the problem response. `then` answers itself (or starts another step).
template <class F, class Then>
void continue_from_store(context& ctx, const http::request& req, std::string_view entity,
                         std::string_view job_name, F fn, http::responder respond, Then then) {
  persistence::ask_store(
      ctx.sys, ctx.store, shard_of(entity), persistence::make_result_job(job_name, std::move(fn)),
      ctx.cfg.database.request_timeout, [then](auto& result) mutable { then(result); },
      [respond, &ctx, path = req.path](const caf::error& err) {
        respond(store_problem(ctx, err, path));
      });
}

/// Runs `fn(soci::session&)` in the store and answers with `ok(result&)` after the commit, or
/// with the problem response of the failure.
template <class F, class Ok>
void answer_from_store(context& ctx, const http::request& req, std::string_view entity,
                       std::string_view job_name, F fn, http::responder respond, Ok ok) {
  continue_from_store(ctx, req, entity, job_name, std::move(fn), respond,
                      [respond, ok](auto& result) mutable { respond(ok(result)); });
}

/// Inside a request actor: runs `fn` in the store, then `ok(result&)`; on failure answers with
/// the problem response and ends the actor.
template <class F, class Ok>
void store_step(caf::event_based_actor* self, context& ctx, std::string path,
                std::string_view entity, std::string_view job_name, F fn, http::responder respond,
                Ok ok) {
  auto job = persistence::make_result_job(job_name, std::move(fn));
  self->request(ctx.store->route(shard_of(entity)), ctx.cfg.database.request_timeout,
                store_atom::value, job.job)
      .then([job, ok]() mutable { ok(**job.value); },
            [self, &ctx, path, respond](caf::error& err) {
              respond(store_problem(ctx, err, path));
              self->quit();
            });
}

}  // namespace sb::api
