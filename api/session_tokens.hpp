#pragma once

#include <string>

#include "api/context.hpp"
#include "persistence/identity/users.hpp"
#include "protocols/http/message.hpp"

namespace sb::api {

/// The session cookies: an access token for every path, a refresh token for the sign-in
/// paths (/api/v1/auth, and the VoicePing console's /api/auth).
inline constexpr const char* kAccessCookie = "sb_access";
inline constexpr const char* kRefreshCookie = "sb_refresh";
inline constexpr const char* kRefreshCookiePath = "/api";

/// Refresh-token lifetime in microseconds.
int64_t refresh_ttl_us(const context& ctx);

/// The answer to a successful login, refresh, password change or accepted invite:
/// {"success":true,"data":{"accessToken","refreshToken","tokenType","expiresIn","user"}}, or,
/// for browsers that asked, the tokens as HttpOnly; SameSite=Lax cookies instead (Secure as
/// auth.cookie_secure says: "auto" is on in production and for `req`s a trusted proxy says
/// came over https).
http::response session_response(context& ctx, const http::request& req,
                                const persistence::user_record& user,
                                const std::string& refresh_token, bool as_cookies,
                                uint16_t status = 200);

/// Adds headers that expire both session cookies.
http::response clear_cookies(const context& ctx, const http::request& req, http::response r);

}  // namespace sb::api
