#include "api/guard.hpp"

#include <algorithm>

#include "config/ground/clock.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace {

uint32_t limit_of(const context& ctx, rate_class c) {
  const auto& r = ctx.cfg.rate_limit;
  switch (c) {
    case rate_class::api:
      return r.api;
    case rate_class::calls_api:
      return r.calls_api;
    case rate_class::internal_api:
      return r.internal_api;
    case rate_class::webhooks:
      return r.webhooks;
    case rate_class::login:
      return r.login;
    case rate_class::login_address:
      return r.login_per_address;
  }
  return r.api;
}

const char* name_of(rate_class c) {
  switch (c) {
    case rate_class::api:
      return "api";
    case rate_class::calls_api:
      return "calls";
    case rate_class::internal_api:
      return "internal";
    case rate_class::webhooks:
      return "webhooks";
    case rate_class::login:
      return "login";
    case rate_class::login_address:
      return "login-address";
  }
  return "api";
}

http::response unauthorized(const http::request& req, std::string_view detail) {
  auto r = http::problem(errc::unauthorized, detail, req.path);
  r.with_header("WWW-Authenticate", "Bearer");
  return r;
}

}  // namespace

std::string cookie(const http::request& req, std::string_view name) {
  std::string_view all = req.header("cookie");
  while (!all.empty()) {
    auto semi = all.find(';');
    auto pair = all.substr(0, semi);
    all = semi == std::string_view::npos ? std::string_view{} : all.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return {};
}

bool may_act_in(const principal& p, const std::string& tenant) {
  return p.superadmin || p.tenant_id == tenant;
}

bool admit(context& ctx, rate_class c, const std::string& key, const http::request& req,
           http::responder& respond) {
  if (!ctx.cfg.rate_limit.enabled) return true;
  auto d = ctx.limiter.hit(std::string(name_of(c)) + ":" + key, limit_of(ctx, c), now_us());
  auto add_headers = [d](http::response& r) {
    r.with_header("RateLimit-Limit", std::to_string(d.limit));
    r.with_header("RateLimit-Remaining", std::to_string(d.remaining));
    r.with_header("RateLimit-Reset", std::to_string(d.reset_s));
  };
  if (!d.allowed) {
    // Dialpad never retries a 4xx: over their limit, webhooks are answered 503, which it
    // retries, so that a burst is delayed rather than lost.
    auto r = http::problem(
        c == rate_class::webhooks ? errc::overloaded : errc::too_many_requests,
        "rate limit of " + std::to_string(d.limit) + " requests per minute exceeded", req.path);
    add_headers(r);
    r.set_header("Retry-After", std::to_string(d.reset_s));
    respond(std::move(r));
    return false;
  }
  respond = [inner = std::move(respond), add_headers](http::response r) mutable {
    add_headers(r);
    inner(std::move(r));
  };
  return true;
}

bool admit_login(context& ctx, const std::string& account, const http::request& req,
                 http::responder& respond) {
  // Two budgets, not one keyed on both: a guesser spreading over addresses still meets the
  // account's, and one trying many accounts from an address meets the address's.
  if (!admit(ctx, rate_class::login_address, "ip:" + req.remote_address, req, respond)) {
    return false;
  }
  return account.empty() || admit(ctx, rate_class::login, "account:" + account, req, respond);
}

std::optional<http::response> credentials_refused(context& ctx, const http::request& req,
                                                  errc code) {
  if (!ctx.cfg.rate_limit.enabled) return std::nullopt;
  auto d = ctx.limiter.peek("authfail:" + req.remote_address, ctx.cfg.rate_limit.auth_failures,
                            now_us());
  if (d.allowed) return std::nullopt;
  auto r = http::problem(
      code,
      "too many failed credentials from this address; retry in " + std::to_string(d.reset_s) + " s",
      req.path);
  r.set_header("Retry-After", std::to_string(d.reset_s));
  return r;
}

void count_failed_credentials(context& ctx, const http::request& req) {
  if (!ctx.cfg.rate_limit.enabled) return;
  ctx.limiter.hit("authfail:" + req.remote_address, ctx.cfg.rate_limit.auth_failures, now_us());
}

void add_operator_route(router& r, context& ctx, const char* method, const char* path,
                        operator_handler fn) {
  r.add(method, path,
        guarded(ctx, policy::operator_secret,
                [fn](http::request req, path_params params, principal, http::responder respond) {
                  fn(std::move(req), std::move(params), std::move(respond));
                }));
}

handler limited(context& ctx, rate_class c, handler h) {
  return [&ctx, c, h](http::request req, path_params params, http::responder respond) {
    if (!admit(ctx, c, "ip:" + req.remote_address, req, respond)) return;
    h(std::move(req), std::move(params), std::move(respond));
  };
}

handler guarded(context& ctx, access a, authed_handler h) {
  return [&ctx, a, h](http::request req, path_params params, http::responder respond) {
    // After authentication: authorize, count, and run the handler.
    auto proceed = [&ctx, a, h, params](http::request req, principal who,
                                        http::responder respond) mutable {
      if (who.must_change_password && !a.during_profile_setup) {
        // As the VoicePing control plane did: nothing until the password is changed.
        return respond(http::problem(errc::profile_setup_required,
                                     "Profile setup required: change the password first "
                                     "(POST /api/auth/first-run or /api/v1/auth/change-password)",
                                     req.path));
      }
      if (a.superadmin_only && !who.superadmin) {
        return respond(http::problem(errc::forbidden, "operators only", req.path));
      }
      if (who.type == principal::kind::user && !a.roles.empty() && !who.superadmin &&
          std::find(a.roles.begin(), a.roles.end(), who.role) == a.roles.end()) {
        return respond(http::problem(errc::forbidden, "your role may not do this", req.path));
      }
      auto key = who.type == principal::kind::internal ? "ip:" + req.remote_address : who.tag();
      if (!admit(ctx, a.limit, key, req, respond)) return;
      h(std::move(req), std::move(params), std::move(who), std::move(respond));
    };
    // No principal: the request counts against its address's budget of the class, as it did
    // behind the seeds' limiters (keyed by address, in front of authentication), so a 401
    // carries RateLimit-* too and a flood of bad credentials meets the limit.
    auto refuse = [&ctx, a](const http::request& req, http::responder respond,
                            std::string_view why) {
      if (!admit(ctx, a.limit, "ip:" + req.remote_address, req, respond)) return;
      respond(unauthorized(req, why));
    };
    auto on_result = [&ctx, proceed, refuse, req, respond](auth_result r) mutable {
      if (auto* who = std::get_if<principal>(&r)) return proceed(req, *who, respond);
      auto code = std::get<errc>(r);
      if (code == errc::unauthorized) {
        count_failed_credentials(ctx, req);
        return refuse(req, std::move(respond), "invalid credentials");
      }
      respond(http::problem(code, "credentials could not be checked; retry later", req.path));
    };
    if (auto refusal = credentials_refused(ctx, req)) return respond(std::move(*refusal));

    if (a.allowed == access::who::internal) {
      auto token = std::string(req.bearer_token());
      if (token.empty() || !ctx.auth.internal_secret(token)) {
        count_failed_credentials(ctx, req);
        return refuse(req, std::move(respond),
                      "the internal API needs Authorization: Bearer <secret>");
      }
      return proceed(std::move(req), principal{principal::kind::internal, "internal", "", "", true},
                     std::move(respond));
    }
    auto key = std::string(req.header("x-app-api-key"));
    if (!key.empty() && a.allowed != access::who::user) {
      return ctx.auth.api_key(key, on_result);
    }
    if (a.allowed == access::who::app) {
      return refuse(req, std::move(respond), "this API needs an x-app-api-key header");
    }
    auto token = std::string(req.bearer_token());
    bool bearer = !token.empty();
    if (!bearer) token = cookie(req, "sb_access");
    if (token.empty()) return refuse(req, std::move(respond), "missing credentials");
    authenticate_user_token(ctx, token, a.matrix_tokens && bearer, on_result);
  };
}

void authenticate_user_token(context& ctx, const std::string& token, bool matrix,
                             authenticator::done_fn done) {
  bool jwt = std::count(token.begin(), token.end(), '.') == 2;
  if (!matrix || jwt || !ctx.matrix || !ctx.matrix->enabled()) {
    return ctx.auth.user_token(token, std::move(done));
  }
  ctx.matrix->verify(token, [&ctx, done](std::variant<matrix_identity, errc> r) {
    auto* id = std::get_if<matrix_identity>(&r);
    if (!id) return done(std::get<errc>(r));
    ctx.auth.user_id(id->user_id, [done, matrix_user = id->matrix_user](auth_result who) {
      if (auto* p = std::get_if<principal>(&who)) p->matrix_user = matrix_user;
      done(std::move(who));
    });
  });
}

namespace {

/// The handler that calls `fn` with the node's context.
handler with_context(context& ctx, public_route fn) {
  return [&ctx, fn](http::request req, path_params p, http::responder respond) {
    fn(ctx, std::move(req), std::move(p), std::move(respond));
  };
}

}  // namespace

void route_table::add(const char* method, const char* path, const access& a, named_route fn) {
  add(method, path, a,
      [&ctx = ctx_, fn](http::request req, path_params p, principal who, http::responder respond) {
        fn(ctx, std::move(req), std::move(p), std::move(who), std::move(respond));
      });
}

void route_table::add(const char* method, const char* path, const access& a, authed_handler h) {
  router_.add(method, path, guarded(ctx_, a, std::move(h)));
}

void route_table::add_public(const char* method, const char* path, public_route fn) {
  router_.add(method, path, with_context(ctx_, fn));
}

void route_table::add_limited(const char* method, const char* path, rate_class c, public_route fn) {
  router_.add(method, path, limited(ctx_, c, with_context(ctx_, fn)));
}

}  // namespace sb::api
