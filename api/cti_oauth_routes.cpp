#include <spdlog/spdlog.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/cti/dialpad_oauth.hpp"
#include "api/cti_routes.hpp"
#include "api/guard.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/crypto.hpp"
#include "persistence/connection.hpp"
#include "persistence/cti/dialpad_oauth.hpp"
#include "persistence/identity/apps.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

constexpr int64_t kStateTtlUs = 10 * 60 * 1'000'000LL;  // an authorization must finish in 10 min

bool configured(const context& ctx) {
  return !ctx.cfg.cti.dialpad_client_id.empty() && !ctx.cfg.cti.dialpad_redirect_uri.empty();
}

http::response not_configured(const http::request& req) {
  return http::problem(errc::not_configured,
                       "Dialpad OAuth is not configured (CLIENT_ID, CLIENT_SECRET, REDIRECT_URI)",
                       req.path);
}

/// GET /auth/dialpad (an app's key): remembers a fresh state and PKCE verifier, then sends the
/// caller to Dialpad's authorize page (302), or tells it where (JSON, with Accept: JSON).
void start(context& ctx, const http::request& req, const principal& app, http::responder respond) {
  if (!configured(ctx)) return respond(not_configured(req));
  auto state = crypto::random_hex(32);
  auto verifier = dialpad::new_verifier();
  auto url = dialpad::authorize_url(ctx.cfg.cti, state, verifier);
  bool json_wanted = req.header("accept").find("application/json") != std::string_view::npos;
  answer_from_store(
      ctx, req, app.id, "oauth_start",
      [app = app.id, hash = crypto::sha256_hex(state),
       sealed = ctx.secrets->seal(verifier)](soci::session& sql) {
        persistence::save_oauth_state(sql, hash, app, sealed, now_us() + kStateTtlUs);
        return true;
      },
      respond,
      [url, json_wanted](bool&) {
        if (json_wanted) {
          return http::response::json(
              200, json::serialize(json::object{{"success", true}, {"authorize_url", url}}));
        }
        auto r = http::response::text(302, "Redirecting to Dialpad\n", "text/plain");
        r.with_header("Location", url);
        return r;
      });
}

/// GET /auth/dialpad/callback?code&state (public: the browser lands here): takes the state,
/// exchanges the code at Dialpad's token endpoint, stores the tokens sealed.
void callback(context& ctx, const http::request& req, http::responder respond) {
  if (!configured(ctx)) return respond(not_configured(req));
  if (auto error = req.query_param("error")) {
    return respond(
        http::problem(errc::bad_request, "Dialpad refused the authorization: " + *error, req.path));
  }
  auto code = req.query_param("code").value_or("");
  auto state = req.query_param("state").value_or("");
  if (code.empty() || state.empty() || code.size() > 2048 || state.size() > 256) {
    return respond(http::problem(errc::bad_request, "code and state are required", req.path));
  }
  continue_from_store(
      ctx, req, state, "oauth_take_state",
      [hash = crypto::sha256_hex(state)](soci::session& sql) {
        auto s = persistence::take_oauth_state(sql, hash, now_us());
        if (!s) {
          throw persistence::store_error(errc::bad_request,
                                         "unknown or expired state: start again at /auth/dialpad");
        }
        return *s;
      },
      respond,
      [&ctx, req, code, respond](persistence::oauth_state& s) {
        auto verifier = ctx.secrets->open(s.verifier_sealed);
        if (!verifier) {
          return respond(
              http::problem(errc::internal, "the authorization cannot be completed", req.path));
        }
        // The token endpoint is called with blocking I/O: on a detached actor of its own.
        ctx.sys.spawn<caf::detached>([&ctx, req, code, respond, app = s.app_id,
                                      verifier = *verifier](caf::event_based_actor* self) {
          dialpad::tokens t;
          try {
            t = dialpad::exchange_code(ctx.cfg.cti, code, verifier);
          } catch (const std::exception& e) {
            spdlog::warn("app {}: Dialpad code exchange failed: {}", app, e.what());
            respond(
                http::problem(errc::upstream_failed, "Dialpad did not accept the code", req.path));
            return self->quit();
          }
          persistence::dialpad_connection c;
          c.app_id = app;
          c.access_token_sealed = ctx.secrets->seal(t.access_token);
          if (t.refresh_token) c.refresh_token_sealed = ctx.secrets->seal(*t.refresh_token);
          c.scope = t.scope;
          if (t.expires_in_s) c.expires_at_us = now_us() + *t.expires_in_s * 1'000'000;
          store_step(
              self, ctx, req.path, app, "oauth_connected",
              [c](soci::session& sql) {
                persistence::save_dialpad_tokens(sql, c, false, now_us());
                return true;
              },
              respond,
              [self, respond, app, offline = t.refresh_token.has_value()](bool&) {
                spdlog::info("app {}: connected to Dialpad", app);
                respond(http::response::json(
                    200, json::serialize(
                             json::object{{"success", true},
                                          {"app_id", app},
                                          {"connected", true},
                                          // Without offline_access Dialpad sends no refresh token.
                                          {"offline_access", offline}})));
                self->quit();
              });
        });
      });
}

json::object connection_json(const std::string& app,
                             const std::optional<persistence::dialpad_connection>& c) {
  if (!c) return json::object{{"app_id", app}, {"connected", false}};
  return json::object{
      {"app_id", app},
      {"connected", true},
      {"scope", c->scope ? json::value(*c->scope) : nullptr},
      {"expires_at", iso_time_or_null(c->expires_at_us)},
      {"connected_at", iso_time(c->connected_at_us)},
      {"refreshed_at", iso_time_or_null(c->refreshed_at_us)},
      {"offline_access", c->refresh_token_sealed.has_value()},
      {"last_error", c->last_error ? json::value(*c->last_error) : nullptr},
  };
}

}  // namespace

void add_cti_oauth_routes(router& r, context& ctx) {
  r.add("GET", "/auth/dialpad",
        guarded(ctx, policy::apps,
                [&ctx](http::request req, path_params, principal who, auto respond) {
                  start(ctx, req, who, std::move(respond));
                }));
  r.add("GET", "/auth/dialpad/callback",
        limited(ctx, rate_class::api, [&ctx](http::request req, path_params, auto respond) {
          callback(ctx, req, std::move(respond));
        }));
  add_operator_route(r, ctx, "GET", "/internal/apps/:app_id/dialpad",
                     [&ctx](http::request req, path_params p, http::responder respond) {
                       std::string app(p.get("app_id"));
                       answer_from_store(
                           ctx, req, app, "dialpad_connection",
                           [app](soci::session& sql) {
                             persistence::require_app(sql, app);
                             return persistence::find_dialpad_connection(sql, app);
                           },
                           respond,
                           [app](std::optional<persistence::dialpad_connection>& c) {
                             return api_response(connection_json(app, c));
                           });
                     });
}

}  // namespace sb::api
