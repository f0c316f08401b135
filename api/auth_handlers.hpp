#pragma once

#include "api/context.hpp"
#include "api/router.hpp"
#include "config/domain/identity/principal.hpp"

// The sign-in use cases behind /api/v1/auth (auth_routes.cpp), for the routes that serve the
// same steps in another seed's shapes (console_auth_routes.cpp).
namespace sb::api::auth {

void login(context& ctx, http::request req, path_params, http::responder respond);
void logout(context& ctx, http::request req, path_params, http::responder respond);
void me(context& ctx, http::request req, path_params, principal who, http::responder respond);
void change_password(context& ctx, http::request req, path_params, principal who,
                     http::responder respond);
void forgot_password(context& ctx, http::request req, path_params, http::responder respond);
void reset_password(context& ctx, http::request req, path_params, http::responder respond);

}  // namespace sb::api::auth
