#include <boost/json.hpp>
#include <caf/all.hpp>

#include "actors/runtime/atoms.hpp"
#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/hasher_calls.hpp"
#include "api/input.hpp"
#include "api/output.hpp"
#include "api/session_tokens.hpp"
#include "api/store_call.hpp"
#include "api/usecases/invites.hpp"
#include "api/user_routes.hpp"
#include "config/ground/clock.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/tokens.hpp"
#include "protocols/http/problem.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

void create_invite(context& ctx, http::request req, path_params, principal who,
                   http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"email", "role", "expiresInSeconds", "maxUses"});
  auto email = in.email("email", false);
  auto role = in.choice("role", {"admin", "manager", "dispatcher", "user"}, false).value_or("user");
  auto ttl =
      in.integer("expiresInSeconds", 60, 366 * 86400, false).value_or(ctx.cfg.auth.invite_ttl_s);
  auto max_uses = in.integer("maxUses", 0, 100'000, false).value_or(1);
  // Managers may bring in users and dispatchers, not more managers or administrators.
  if (who.role == "manager" && !who.superadmin && (role == "admin" || role == "manager")) {
    in.fail("role", "managers may invite users and dispatchers only");
  }
  if (!in.ok()) return respond(in.problem(req.path));
  auto base = ctx.cfg.auth.web_base_url;
  invite_cases::invite_request invite{email, role, ttl, max_uses, base};
  answer_from_store(
      ctx, req, who.tenant_id, "create_invite",
      [by = requester_of(who, req), invite](soci::session& sql) {
        return invite_cases::create_invite(sql, by, invite);
      },
      respond,
      [&ctx, base](persistence::issued_invite& issued) {
        if (issued.invite.email) nudge_mailer(ctx);
        return api_response(json::object{{"id", issued.invite.id},
                                         {"token", issued.token},
                                         {"url", base + "/accept-invite?token=" + issued.token},
                                         {"role", issued.invite.role},
                                         {"maxUses", issued.invite.max_uses},
                                         {"expiresAt", iso_time(issued.invite.expires_at_us)}},
                            201);
      });
}

void accept_invite(context& ctx, http::request req, path_params, http::responder respond) {
  auto body = read_body(req, respond);
  if (!body) return;
  auto& in = *body;
  in.reject_unknown({"token", "email", "password", "firstName", "lastName", "displayName"});
  auto token = in.text("token", {true, 512});
  auto email = in.email("email", true);
  auto password = in.new_password("password", true);
  auto first = in.text("firstName", {true, 100});
  auto last = in.text("lastName", {true, 100});
  auto display = in.text("displayName", {false, 200});
  if (!in.ok()) return respond(in.problem(req.path));
  if (!admit_login(ctx, {}, req, respond)) return;
  persistence::user_record u;
  u.email = *email;
  u.first_name = *first;
  u.last_name = *last;
  u.display_name = display.value_or(*first + " " + *last);
  u.status = "active";
  auto ttl = refresh_ttl_us(ctx);
  ctx.sys.spawn([&ctx, req, respond, token = *token, password = *password, u,
                 ttl](caf::event_based_actor* self) mutable {
    hash_step(self, ctx, req.path, password, respond,
              [self, &ctx, req, respond, token, u, ttl](const std::string& hash) mutable {
                u.password_hash = hash;
                store_step(
                    self, ctx, req.path, token, "accept_invite",
                    [token, u, ttl, address = req.remote_address](soci::session& sql) {
                      return invite_cases::accept_invite(sql, address, token, u, ttl);
                    },
                    respond,
                    [self, &ctx, req,
                     respond](std::optional<std::pair<persistence::user_record, std::string>>& r) {
                      if (!r) {
                        respond(invalid_fields(
                            {{"token", "is invalid, expired, used up, or for another address"}},
                            req.path));
                      } else {
                        respond(session_response(ctx, req, r->first, r->second, false, 201));
                      }
                      self->quit();
                    });
              });
  });
}

}  // namespace

void add_invite_routes(router& r, context& ctx) {
  route_table routes{r, ctx};
  routes.add("POST", "/api/v1/invites", policy::staff, create_invite);
  routes.add_public("POST", "/api/v1/invites/accept", accept_invite);
}

}  // namespace sb::api
