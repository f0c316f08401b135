#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/cti/webhook_stream.hpp"
#include "actors/runtime/atoms.hpp"
#include "api/cti_routes.hpp"
#include "api/guard.hpp"
#include "api/store_call.hpp"
#include "config/ground/crypto.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

/// Hands a delivery to the app's webhook stream and answers once it is committed (or refused).
void ingest(context& ctx, const http::request& req, const std::string& app_id,
            http::responder respond) {
  if (req.body.size() > ctx.cfg.cti.webhook_max_bytes) {
    return respond(http::problem(
        errc::payload_too_large,
        "webhook bodies are limited to " + std::to_string(ctx.cfg.cti.webhook_max_bytes) + " bytes",
        req.path));
  }
  if (!crypto::is_uuid(app_id)) {
    return respond(http::problem(errc::not_found, "no such app", req.path));
  }
  // As with the webhook rate limit: 503, which Dialpad retries, rather than 429.
  if (auto refusal = credentials_refused(ctx, req, errc::overloaded)) {
    return respond(std::move(*refusal));
  }
  auto timeout = ctx.cfg.database.request_timeout * 2;
  ctx.sys.spawn([&ctx, req, app_id, respond, timeout](caf::event_based_actor* self) {
    auto fail = [self, &ctx, req, path = req.path, respond](caf::error& err) {
      // A stream that went away mid-request (its app was unknown) is worth a retry.
      auto r = err == caf::sec::request_receiver_down
                   ? http::problem(errc::db_unavailable, "retry later", path)
                   : store_problem(ctx, persistence::store_failure::of(err), path);
      if (persistence::store_errc(err) == errc::unauthorized) {
        count_failed_credentials(ctx, req);
        r.with_header("WWW-Authenticate", "Bearer");
      }
      respond(std::move(r));
      self->quit();
    };
    self->request(ctx.directory, timeout, resolve_atom::value, "webhooks:" + app_id)
        .then(
            [self, req, respond, timeout, fail](caf::actor& stream) {
              self->request(caf::actor_cast<webhook_stream_actor>(stream), timeout,
                            ingest_atom::value, req.body,
                            std::string(req.header("x-dialpad-signature")))
                  .then(
                      [self, respond](int64_t id, bool duplicate) {
                        respond(http::response::json(
                            200,
                            json::serialize(json::object{
                                {"success", true}, {"event_id", id}, {"duplicate", duplicate}})));
                        self->quit();
                      },
                      fail);
            },
            fail);
  });
}

}  // namespace

void add_cti_webhook_routes(router& r, context& ctx) {
  r.add("POST", "/webhooks/dialpad",
        limited(ctx, rate_class::webhooks,
                [&ctx](http::request req, path_params, http::responder respond) {
                  if (ctx.cfg.cti.webhook_app_id.empty()) {
                    return respond(
                        http::problem(errc::not_found,
                                      "no default app: post to /webhooks/dialpad/<app id>, or set "
                                      "DIALPAD_WEBHOOK_APP_ID",
                                      req.path));
                  }
                  ingest(ctx, req, ctx.cfg.cti.webhook_app_id, std::move(respond));
                }));
  r.add("POST", "/webhooks/dialpad/:appId",
        limited(ctx, rate_class::webhooks,
                [&ctx](http::request req, path_params p, http::responder respond) {
                  ingest(ctx, req, std::string(p.get("appId")), std::move(respond));
                }));
}

}  // namespace sb::api
