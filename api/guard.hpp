#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "api/context.hpp"
#include "api/router.hpp"
#include "config/domain/identity/principal.hpp"

namespace sb::api {

/// Which per-minute budget a route draws from (config rate_limit.*).
enum class rate_class { api, calls_api, internal_api, webhooks, login, login_address };

/// Who may call a route.
struct access {
  enum class who {
    user,         ///< access token (Authorization: Bearer, or the sb_access cookie)
    app,          ///< x-app-api-key
    user_or_app,  ///< either; an API key wins when both are sent
    internal,     ///< Authorization: Bearer <INTERNAL_API_SECRET>
  };
  who allowed = who::user;
  std::vector<std::string> roles;  ///< for users: the roles allowed; empty = any role
  bool superadmin_only = false;
  rate_class limit = rate_class::api;
  /// Open to a user who must change their password first (everything else answers 412).
  bool during_profile_setup = false;
  /// A Matrix access token is a user's credential too (MATRIX_AUTH_ENABLED; the call routes).
  bool matrix_tokens = false;
};

/// The access policies, named once: every guarded route uses one of these.
namespace policy {
/// Any signed-in user of a tenant; what they may touch is the use case's rule.
inline const access any_user{access::who::user, {}, false, rate_class::api};
/// The profile and password routes: any user, those who must change their password included.
inline const access own_profile{access::who::user, {}, false, rate_class::api, true};
inline const access admins{access::who::user, {"admin"}, false, rate_class::api};
inline const access staff{access::who::user, {"admin", "manager"}, false, rate_class::api};
/// Platform operators (superadmins) only.
inline const access operators{access::who::user, {}, true, rate_class::api};
/// CTI apps by their API key, on the calls budget.
inline const access apps{access::who::app, {}, false, rate_class::calls_api};
/// Users on call routes (the calls budget), and the same with CTI apps admitted too.
/// Matrix users' access tokens are taken here (seed 003).
inline const access callers{access::who::user, {}, false, rate_class::calls_api, false, true};
inline const access callers_or_apps{access::who::user_or_app, {},    false,
                                    rate_class::calls_api,    false, true};
/// /internal: the INTERNAL_API_SECRET bearer.
inline const access operator_secret{access::who::internal, {}, false, rate_class::internal_api};
}  // namespace policy

using authed_handler = std::function<void(http::request, path_params, principal, http::responder)>;

/// A route's named handler: what it does with the node's context once the guard let it in.
using named_route = void (*)(context&, http::request, path_params, principal, http::responder);
/// A named handler of a route that needs no principal.
using public_route = void (*)(context&, http::request, path_params, http::responder);

/// Wraps `h`: authenticate (401 unauthorized), authorize (403 forbidden), count against the
/// principal's budget (429 too_many_requests with Retry-After), then call `h`. Every answer
/// carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.
handler guarded(context& ctx, access a, authed_handler h);

/// A feature's routes, each behind the guard: table.add("GET", "/path", access, handler).
class route_table {
 public:
  route_table(router& r, context& ctx) : router_(r), ctx_(ctx) {}
  void add(const char* method, const char* path, const access& a, named_route fn);
  void add(const char* method, const char* path, const access& a, authed_handler h);
  /// A deliberately public route (login, password reset, invite acceptance): it limits
  /// itself, by account and address.
  void add_public(const char* method, const char* path, public_route fn);
  /// A public route behind the client address's budget of class `c`.
  void add_limited(const char* method, const char* path, rate_class c, public_route fn);

 private:
  router& router_;
  context& ctx_;
};

using operator_handler = std::function<void(http::request, path_params, http::responder)>;

/// Adds an /internal route: operators only (INTERNAL_API_SECRET), internal_api budget.
void add_operator_route(router& r, context& ctx, const char* method, const char* path,
                        operator_handler fn);

/// Wraps an unauthenticated route with the client IP's budget of class `c`.
handler limited(context& ctx, rate_class c, handler h);

/// A bearer token as a user's credential: an access token of ours or, with `matrix` on a node
/// that takes them (MATRIX_AUTH_ENABLED), a Matrix access token (anything but a JWT), checked
/// with the homeserver; the principal then carries the Matrix id.
void authenticate_user_token(context& ctx, const std::string& token, bool matrix,
                             authenticator::done_fn done);

/// Counts one hit for `key` against class `c`; on refusal answers 429 and returns false,
/// otherwise returns a responder that adds the RateLimit headers.
bool admit(context& ctx, rate_class c, const std::string& key, const http::request& req,
           http::responder& respond);

/// Counts a login-class attempt (login, reset, confirmation, invite) against the client
/// address's budget and, when `account` is not empty, the account's budget (from any
/// address); on refusal answers 429 and returns false.
bool admit_login(context& ctx, const std::string& account, const http::request& req,
                 http::responder& respond);

/// The refusal (429, or `code`) for a client address that failed credentials
/// rate_limit.auth_failures_per_min times this minute: it is refused before any check.
/// nullopt while it may still try.
std::optional<http::response> credentials_refused(context& ctx, const http::request& req,
                                                  errc code = errc::too_many_requests);

/// Counts one failed credential check (bad token, key, secret or password) of the client.
void count_failed_credentials(context& ctx, const http::request& req);

/// The value of a cookie in the request, or "".
std::string cookie(const http::request& req, std::string_view name);

/// A user principal may act in `tenant`: its own, or any for a superadmin.
bool may_act_in(const principal& p, const std::string& tenant);

}  // namespace sb::api
