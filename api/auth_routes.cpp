#include "api/auth_routes.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "api/auth_handlers.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/hasher_calls.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/session_tokens.hpp"
#include "api/store_call.hpp"
#include "api/usecases/credentials.hpp"
#include "config/ground/clock.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/tenants.hpp"
#include "persistence/identity/tokens.hpp"
#include "persistence/outbox.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::user_record;

namespace auth {

http::response bad_credentials(const http::request& req) {
  auto r = http::problem(errc::unauthorized, "invalid email or password", req.path);
  r.with_header("WWW-Authenticate", "Bearer");
  return r;
}

// Checks `password` against each candidate in turn (normally one), in a hasher actor; with no
// candidate, against the decoy hash, so unknown accounts take as long as known ones.
void find_matching(caf::event_based_actor* self, context& ctx, const http::request& req,
                   http::responder respond, std::vector<user_record> candidates,
                   std::string password, size_t index,
                   std::function<void(std::optional<user_record>)> done) {
  if (index >= candidates.size() && index > 0) return done(std::nullopt);
  auto hash = candidates.empty()
                  ? ctx.hasher.decoy_hash()
                  : candidates[index].password_hash.value_or(ctx.hasher.decoy_hash());
  verify_step(self, ctx, req.path, hash, password, respond,
              [self, &ctx, req, respond, candidates, password, index, done](bool ok) mutable {
                if (candidates.empty()) return done(std::nullopt);
                if (ok && candidates[index].password_hash) return done(candidates[index]);
                find_matching(self, ctx, req, respond, std::move(candidates), std::move(password),
                              index + 1, done);
              });
}

void login(context& ctx, http::request req, path_params, http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"email", "password", "tenantId", "cookie"});
  auto email = in.email("email", true);
  auto password = in.text("password", {true, 256, 1, false});
  auto tenant = in.text("tenantId", {false, 64});
  bool cookie_mode = in.boolean("cookie", false).value_or(false);
  if (!in.ok()) return respond(in.problem(req.path));
  if (auto refusal = credentials_refused(ctx, req)) return respond(std::move(*refusal));
  if (!admit_login(ctx, *email, req, respond)) return;

  ctx.sys.spawn([&ctx, req, respond, email = *email, password = *password, tenant,
                 cookie_mode](caf::event_based_actor* self) {
    store_step(
        self, ctx, req.path, email, "login_candidates",
        [email, tenant](soci::session& sql) {
          auto all = persistence::login_candidates(sql, email);
          std::erase_if(all,
                        [&](const user_record& u) { return tenant && u.tenant_id != *tenant; });
          return all;
        },
        respond,
        [self, &ctx, req, respond, password, cookie_mode](std::vector<user_record>& candidates) {
          find_matching(
              self, ctx, req, respond, candidates, password, 0,
              [self, &ctx, req, respond, cookie_mode](std::optional<user_record> user) {
                if (!user) {
                  count_failed_credentials(ctx, req);
                  respond(bad_credentials(req));
                  return self->quit();
                }
                if (user->status != "active") {
                  respond(
                      http::problem(errc::forbidden, "the account is " + user->status, req.path));
                  return self->quit();
                }
                auto ttl = refresh_ttl_us(ctx);
                store_step(
                    self, ctx, req.path, user->id, "login",
                    [u = *user, ttl](soci::session& sql) {
                      auto t = persistence::find_tenant(sql, u.tenant_id);
                      if (!t || t->status != "active") return std::string{};
                      persistence::record_login(sql, u.id, now_us());
                      return persistence::issue_refresh_token(sql, u, "", ttl);
                    },
                    respond,
                    [self, &ctx, req, respond, user = *user, cookie_mode](std::string& refresh) {
                      if (refresh.empty()) {
                        respond(http::problem(errc::forbidden, "the account's tenant is suspended",
                                              req.path));
                      } else {
                        respond(session_response(ctx, req, user, refresh, cookie_mode));
                      }
                      self->quit();
                    });
              });
        });
  });
}

/// A refresh token as presented: in the body, or else the sb_refresh cookie.
struct presented_token {
  std::optional<std::string> token;
  bool from_cookie = false;
};

/// Reads the body of refresh and logout; nullopt after answering its 400.
std::optional<presented_token> read_refresh_token(const http::request& req,
                                                  http::responder& respond) {
  auto body = read_body(req, respond);
  if (!body) return std::nullopt;
  auto& in = *body;
  in.reject_unknown({"refreshToken"});
  presented_token out;
  out.token = in.text("refreshToken", {false, 512});
  if (!in.ok()) {
    respond(in.problem(req.path));
    return std::nullopt;
  }
  if (!out.token) {
    auto c = cookie(req, kRefreshCookie);
    if (!c.empty()) {
      out.token = c;
      out.from_cookie = true;
    }
  }
  return out;
}

void refresh(context& ctx, http::request req, path_params, http::responder respond) {
  auto presented = read_refresh_token(req, respond);
  if (!presented) return;
  if (!presented->token) {
    return respond(invalid_fields({{"refreshToken", "is required"}}, req.path));
  }
  const auto& token = presented->token;
  bool from_cookie = presented->from_cookie;
  auto ttl = refresh_ttl_us(ctx);
  answer_from_store(
      ctx, req, *token, "refresh",
      [token = *token, ttl](soci::session& sql) {
        return persistence::rotate_refresh_token(sql, token, ttl);
      },
      respond,
      [&ctx, req, from_cookie](persistence::refresh_result& r) {
        using outcome = persistence::refresh_result::outcome;
        if (r.result == outcome::rotated)
          return session_response(ctx, req, *r.user, r.token, from_cookie);
        auto problem = http::problem(
            errc::unauthorized,
            r.result == outcome::reused
                ? "refresh token already used: every session of that login was revoked"
                : "invalid or expired refresh token",
            req.path);
        return from_cookie ? clear_cookies(ctx, req, std::move(problem)) : problem;
      });
}

void logout(context& ctx, http::request req, path_params, http::responder respond) {
  auto presented = read_refresh_token(req, respond);
  if (!presented) return;
  const auto& token = presented->token;
  auto done = [&ctx, req] {
    return clear_cookies(ctx, req, api_response(json::object{{"message", "logged out"}}));
  };
  if (!token) return respond(done());
  answer_from_store(
      ctx, req, *token, "logout",
      [token = *token](soci::session& sql) {
        persistence::revoke_refresh_family(sql, token);
        return true;
      },
      respond, [done](bool) { return done(); });
}

void me(context& ctx, http::request req, path_params, principal who, http::responder respond) {
  answer_from_store(
      ctx, req, who.id, "me",
      [who](soci::session& sql) {
        auto u = persistence::find_user(sql, persistence::tenant_scope(who.tenant_id), who.id);
        if (!u) throw persistence::store_error(errc::not_found, "no such user");
        return *u;
      },
      respond, [](user_record& u) { return api_response(user_json(u)); });
}

void change_password(context& ctx, http::request req, path_params, principal who,
                     http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"currentPassword", "newPassword"});
  auto current = in.text("currentPassword", {true, 256, 1, false});
  auto next = in.new_password("newPassword", true);
  if (!in.ok()) return respond(in.problem(req.path));
  ctx.sys.spawn([&ctx, req, who, respond, current = *current,
                 next = *next](caf::event_based_actor* self) {
    persistence::tenant_scope scope(who.tenant_id);
    // Step 3: store the new hash, revoke every token, and log the user in afresh.
    auto commit = [self, &ctx, req, who, respond](const std::string& hash) {
      auto ttl = refresh_ttl_us(ctx);
      store_step(
          self, ctx, req.path, who.id, "change_password",
          [by = requester_of(who, req), hash, ttl](soci::session& sql) {
            return credential_cases::change_password(sql, by, hash, ttl);
          },
          respond,
          [self, &ctx, req, who, respond](std::pair<user_record, std::string>& r) {
            // Every other session of the user ends with the old password.
            revoke_user_sessions(ctx, who.id, "password changed");
            // A browser session (the sb_access cookie, no bearer) goes on in cookies.
            bool as_cookies = req.bearer_token().empty() && !cookie(req, kAccessCookie).empty();
            respond(session_response(ctx, req, r.first, r.second, as_cookies));
            self->quit();
          });
    };
    // Step 1: the current hash; step 2: check the current password, hash the new one.
    store_step(
        self, ctx, req.path, who.id, "find_user",
        [scope, who](soci::session& sql) {
          auto u = persistence::find_user(sql, scope, who.id);
          if (!u) throw persistence::store_error(errc::not_found, "no such user");
          return *u;
        },
        respond,
        [self, &ctx, req, respond, current, next, commit](user_record& user) {
          verify_step(self, ctx, req.path, user.password_hash.value_or(ctx.hasher.decoy_hash()),
                      current, respond, [self, &ctx, req, respond, next, commit](bool matches) {
                        if (!matches) {
                          respond(invalid_fields({{"currentPassword", "is incorrect"}}, req.path));
                          return self->quit();
                        }
                        hash_step(self, ctx, req.path, next, respond, commit);
                      });
        });
  });
}

void forgot_password(context& ctx, http::request req, path_params, http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"email"});
  auto email = in.email("email", true);
  if (!in.ok()) return respond(in.problem(req.path));
  if (!admit_login(ctx, *email, req, respond)) return;
  auto ttl = int64_t{ctx.cfg.auth.reset_token_ttl_s} * 1'000'000;
  auto base = ctx.cfg.auth.web_base_url;
  auto minutes = ctx.cfg.auth.reset_token_ttl_s / 60;
  answer_from_store(
      ctx, req, *email, "forgot_password",
      [email = *email, ttl, base, minutes](soci::session& sql) {
        int sent = 0;
        for (const auto& u : persistence::login_candidates(sql, email)) {
          if (u.status != "active") continue;
          auto token = persistence::create_password_reset(sql, u, ttl);
          persistence::enqueue_email(
              sql, u.tenant_id, u.email, "Reset your Switchboard password",
              fmt::format(
                  "Someone asked to reset the password of {}.\r\n\r\n"
                  "To choose a new password, open this link within {} minutes:\r\n"
                  "{}/reset-password?token={}\r\n\r\n"
                  "If it was not you, ignore this message; your password stays as it is.\r\n",
                  u.email, minutes, base, token));
          ++sent;
        }
        return sent;
      },
      respond,
      [&ctx](int sent) {
        if (sent > 0) nudge_mailer(ctx);
        // The same answer whether or not the address is known.
        return api_response(json::object{
            {"message", "If an account uses this address, a reset link has been sent to it."}});
      });
}

void reset_password(context& ctx, http::request req, path_params, http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"token", "password"});
  auto token = in.text("token", {true, 512});
  auto password = in.new_password("password", true);
  if (!in.ok()) return respond(in.problem(req.path));
  if (!admit_login(ctx, {}, req, respond)) return;
  ctx.sys.spawn(
      [&ctx, req, respond, token = *token, password = *password](caf::event_based_actor* self) {
        hash_step(
            self, ctx, req.path, password, respond,
            [self, &ctx, req, respond, token](const std::string& hash) {
              store_step(
                  self, ctx, req.path, token, "reset_password",
                  [token, hash, address = req.remote_address](soci::session& sql) {
                    return credential_cases::reset_password(sql, address, token, hash);
                  },
                  respond,
                  [self, &ctx, req, respond](std::optional<user_record>& user) {
                    if (!user) {
                      respond(invalid_fields({{"token", "is invalid, used or expired"}}, req.path));
                    } else {
                      revoke_user_sessions(ctx, user->id, "password reset");
                      respond(api_response(json::object{{"message", "password changed"}}));
                    }
                    self->quit();
                  });
            });
      });
}

void confirm_email(context& ctx, http::request req, path_params, http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"token"});
  auto token = in.text("token", {true, 512});
  if (!in.ok()) return respond(in.problem(req.path));
  if (!admit_login(ctx, {}, req, respond)) return;
  answer_from_store(
      ctx, req, *token, "confirm_email",
      [token = *token, address = req.remote_address](soci::session& sql) {
        return credential_cases::confirm_email(sql, address, token);
      },
      respond,
      [&ctx, req](std::optional<user_record>& user) {
        if (!user) return invalid_fields({{"token", "is invalid, used or expired"}}, req.path);
        // The address that receives password resets changed: every login of the account ends.
        revoke_user_sessions(ctx, user->id, "e-mail address changed");
        return api_response(json::object{{"message", "e-mail address changed; log in again"},
                                         {"email", user->email}});
      });
}

}  // namespace auth

void add_auth_routes(router& r, context& ctx) {
  using namespace auth;
  route_table routes{r, ctx};
  routes.add_public("POST", "/api/v1/auth/login", login);
  routes.add_limited("POST", "/api/v1/auth/refresh", rate_class::api, refresh);
  routes.add_limited("POST", "/api/v1/auth/logout", rate_class::api, logout);
  routes.add("GET", "/api/v1/auth/me", policy::own_profile, me);
  routes.add("POST", "/api/v1/auth/change-password", policy::own_profile, change_password);
  routes.add_public("POST", "/api/v1/auth/forgot-password", forgot_password);
  routes.add_public("POST", "/api/v1/auth/confirm-email", confirm_email);
  routes.add_public("POST", "/api/v1/auth/reset-password", reset_password);
}

}  // namespace sb::api
