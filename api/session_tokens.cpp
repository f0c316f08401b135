#include "api/session_tokens.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include "api/output.hpp"
#include "config/ground/clock.hpp"

namespace sb::api {

namespace json = boost::json;
using persistence::user_record;

namespace {

bool secure_cookies(const context& ctx, const http::request& req) {
  const auto& s = ctx.cfg.auth.cookie_secure;
  return s == "true" || (s == "auto" && (ctx.cfg.environment == "production" || req.secure));
}

std::string set_cookie(const context& ctx, const http::request& req, std::string_view name,
                       std::string_view value, std::string_view path, int64_t max_age) {
  return fmt::format("{}={}; Path={}; Max-Age={}; HttpOnly; SameSite=Lax{}", name, value, path,
                     max_age, secure_cookies(ctx, req) ? "; Secure" : "");
}

}  // namespace

int64_t refresh_ttl_us(const context& ctx) {
  return int64_t{ctx.cfg.auth.refresh_token_ttl_s} * 1'000'000;
}

http::response session_response(context& ctx, const http::request& req, const user_record& user,
                                const std::string& refresh_token, bool as_cookies,
                                uint16_t status) {
  auto access = ctx.auth.tokens().issue(user, now_us() / 1'000'000);
  json::object data{
      {"tokenType", "Bearer"}, {"expiresIn", ctx.auth.tokens().ttl_s()}, {"user", user_json(user)}};
  if (!as_cookies) {
    data["accessToken"] = access;
    data["refreshToken"] = refresh_token;
  }
  auto r = api_response(std::move(data), status);
  if (as_cookies) {
    r.with_header("Set-Cookie",
                  set_cookie(ctx, req, kAccessCookie, access, "/", ctx.auth.tokens().ttl_s()));
    r.with_header("Set-Cookie", set_cookie(ctx, req, kRefreshCookie, refresh_token,
                                           kRefreshCookiePath, ctx.cfg.auth.refresh_token_ttl_s));
  }
  return r;
}

http::response clear_cookies(const context& ctx, const http::request& req, http::response r) {
  r.with_header("Set-Cookie", set_cookie(ctx, req, kAccessCookie, "", "/", 0));
  r.with_header("Set-Cookie", set_cookie(ctx, req, kRefreshCookie, "", kRefreshCookiePath, 0));
  return r;
}

}  // namespace sb::api
