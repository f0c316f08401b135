#include "api/console_auth_routes.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include <functional>

#include "api/auth_handlers.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/hasher_calls.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/session_tokens.hpp"
#include "api/store_call.hpp"
#include "api/usecases/credentials.hpp"
#include "persistence/connection.hpp"
#include "protocols/http/problem.hpp"

// The control plane's paths run the /api/v1/auth use cases; only the shapes differ: a cookie
// session instead of tokens in the body, the seed's user ({id,email,displayName,globalRole,
// mustChangePassword}) and {ok:true}. Errors stay problem+json, whose `error` member carries
// the message the console shows.

namespace sb::api {

namespace json = boost::json;

namespace {

/// The control plane's user, from the /api/v1 user.
json::object console_user(const json::object& user) {
  return {{"id", user.at("id")},
          {"email", user.at("email")},
          {"displayName", user.at("displayName")},
          {"globalRole", global_role(user.at("role").as_string(), user.at("superadmin").as_bool())},
          {"mustChangePassword", user.at("mustChangePassword")}};
}

/// `respond`, with a successful answer's body replaced by `render(data)` (its `data`
/// member), headers (Set-Cookie) kept. Refusals pass unchanged.
http::responder rendered(http::responder respond,
                         std::function<json::value(const json::object& data)> render) {
  return [respond = std::move(respond), render = std::move(render)](http::response r) {
    if (r.status >= 200 && r.status < 300) {
      json::error_code ec;
      auto body = json::parse(r.body, ec);
      if (!ec && body.is_object()) {
        const auto* data = body.as_object().if_contains("data");
        r.body =
            json::serialize(render(data && data->is_object() ? data->as_object() : json::object{}));
        r.status = 200;
      }
    }
    respond(std::move(r));
  };
}

json::value ok(const json::object&) {
  return json::object{{"ok", true}};
}

json::value session_user(const json::object& data) {
  return console_user(data.at("user").as_object());
}

/// The console signs in with {email, password} and keeps the session in cookies.
void login(context& ctx, http::request req, path_params p, http::responder respond) {
  json::error_code ec;
  auto body = json::parse(req.body, ec);
  if (!ec && body.is_object()) {
    body.as_object()["cookie"] = true;
    req.body = json::serialize(body);
  }
  auth::login(ctx, std::move(req), std::move(p), rendered(std::move(respond), session_user));
}

/// The first sign-in of a user who must change the password (the bootstrap admin, a user an
/// admin created or reset): a display name and a new password, without the old one, as the
/// control plane's console asks for them. The session goes on in new cookies.
void first_run(context& ctx, http::request req, path_params, principal who,
               http::responder respond) {
  auto in = read_body(req, respond);
  if (!in) return;
  in->reject_unknown({"displayName", "password", "email"});
  auto name = in->text("displayName", {true, 100, 1});
  auto password = in->new_password("password", true);
  auto email = in->email("email", false);
  if (!in->ok()) return respond(in->problem(req.path));
  if (!who.must_change_password) {
    return respond(http::problem(errc::bad_request, "Profile already complete", req.path));
  }
  auto out = rendered(respond, session_user);
  ctx.sys.spawn([&ctx, req, who, out, name = *name, email,
                 password = *password](caf::event_based_actor* self) {
    hash_step(
        self, ctx, req.path, password, out,
        [self, &ctx, req, who, out, name, email](const std::string& hash) {
          store_step(
              self, ctx, req.path, who.id, "first_run",
              [by = requester_of(who, req), hash, name, email,
               ttl = refresh_ttl_us(ctx)](soci::session& sql) {
                return credential_cases::complete_first_run(sql, by, hash, name, email, ttl);
              },
              out,
              [self, &ctx, req, who, out](std::pair<persistence::user_record, std::string>& r) {
                revoke_user_sessions(ctx, who.id, "password changed");
                out(session_response(ctx, req, r.first, r.second, true));
                self->quit();
              });
        });
  });
}

}  // namespace

void add_console_auth_routes(router& r, context& ctx) {
  route_table routes{r, ctx};
  routes.add_public("POST", "/api/auth/login", login);
  routes.add_limited("POST", "/api/auth/logout", rate_class::api,
                     [](context& ctx, http::request req, path_params p, http::responder respond) {
                       auth::logout(ctx, std::move(req), std::move(p),
                                    rendered(std::move(respond), ok));
                     });
  routes.add(
      "GET", "/api/auth/me", policy::own_profile,
      +[](context& ctx, http::request req, path_params p, principal who, http::responder respond) {
        auth::me(ctx, std::move(req), std::move(p), std::move(who),
                 rendered(std::move(respond), console_user));
      });
  routes.add("POST", "/api/auth/first-run", policy::own_profile, first_run);
  routes.add(
      "POST", "/api/auth/change-password", policy::own_profile,
      +[](context& ctx, http::request req, path_params p, principal who, http::responder respond) {
        auth::change_password(ctx, std::move(req), std::move(p), std::move(who),
                              rendered(std::move(respond), ok));
      });
  routes.add_public("POST", "/api/auth/forgot-password",
                    [](context& ctx, http::request req, path_params p, http::responder respond) {
                      auth::forgot_password(ctx, std::move(req), std::move(p),
                                            rendered(std::move(respond), ok));
                    });
  routes.add_public("POST", "/api/auth/reset-password",
                    [](context& ctx, http::request req, path_params p, http::responder respond) {
                      auth::reset_password(ctx, std::move(req), std::move(p),
                                           rendered(std::move(respond), ok));
                    });
}

}  // namespace sb::api
