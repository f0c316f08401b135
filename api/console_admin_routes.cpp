#include "api/console_admin_routes.hpp"

#include <boost/json.hpp>
#include <caf/all.hpp>

#include "api/effects.hpp"
#include "api/guard.hpp"
#include "api/hasher_calls.hpp"
#include "api/input.hpp"
#include "api/operations.hpp"
#include "api/output.hpp"
#include "api/store_call.hpp"
#include "api/usecases/ptt_control.hpp"
#include "api/usecases/user_admin.hpp"
#include "config/ground/clock.hpp"
#include "persistence/audit.hpp"
#include "persistence/connection.hpp"
#include "persistence/identity/node_settings.hpp"

// The control plane's users are this tenant's users; its global roles are ours: ADMIN is a
// tenant administrator, USER everyone else (a manager or dispatcher shows as USER, and the
// console's USER makes a plain user). Disabled is suspended. The same use cases as
// /api/v1/users run underneath, with their privilege rule and audit rows.

namespace sb::api {

namespace json = boost::json;
using persistence::user_record;

namespace {

/// The console's {id,email,displayName,globalRole,mustChangePassword,lastLoginAt,disabledAt}.
json::object console_row(const user_record& u) {
  // Suspension is not time-stamped apart: a suspended user's last change is when it happened.
  return {{"id", u.id},
          {"email", u.email},
          {"displayName", u.display_name},
          {"globalRole", global_role(u.role, u.superadmin)},
          {"mustChangePassword", u.must_change_password},
          {"lastLoginAt", iso_time_or_null(u.last_login_at_us)},
          {"disabledAt", u.status == "suspended" ? json::value(iso_time(u.updated_at_us))
                                                 : json::value(nullptr)}};
}

std::optional<std::string> read_global_role(fields& in) {
  auto role = in.choice("globalRole", {"ADMIN", "USER"}, false);
  if (!role) return std::nullopt;
  return *role == "ADMIN" ? "admin" : "user";
}

void list(context& ctx, http::request req, path_params, principal who, http::responder respond) {
  auto q = fields::from_query(req);
  q.reject_unknown({"q"});
  persistence::user_filter f;
  f.search = q.text("q", {false, 100}).value_or("");
  f.sort = "created";
  f.descending = true;
  f.limit = 500;  // the console shows one list; a search narrows it
  if (!q.ok()) return respond(q.problem(req.path));
  answer_from_store(
      ctx, req, who.tenant_id, "list_users",
      [scope = persistence::tenant_scope(who.tenant_id), f](soci::session& sql) {
        return persistence::list_users(sql, scope, f);
      },
      respond,
      [](persistence::user_page& page) {
        json::array rows;
        for (const auto& u : page.items) rows.push_back(console_row(u));
        return http::response::json(200, json::serialize(rows));
      });
}

void create(context& ctx, http::request req, path_params, principal who, http::responder respond) {
  auto in = read_body(req, respond);
  if (!in) return;
  in->reject_unknown({"email", "password", "displayName", "globalRole", "mustChangePassword"});
  auto email = in->email("email", true);
  auto password = in->new_password("password", true);
  auto display = in->text("displayName", {false, 200, 1});
  auto role = read_global_role(*in);
  auto must_change = in->boolean("mustChangePassword", false);
  if (!in->ok()) return respond(in->problem(req.path));
  user_record u;
  u.email = *email;
  u.display_name = display.value_or(email->substr(0, email->find('@')));
  u.first_name = u.display_name;
  u.last_name = "";
  u.role = role.value_or("user");
  u.status = "active";
  u.must_change_password = must_change.value_or(true);  // the seed's default
  u.created_by = who.id;
  ctx.sys.spawn([&ctx, req, who, respond, u, password = *password](caf::event_based_actor* self) {
    hash_step(
        self, ctx, req.path, password, respond,
        [self, &ctx, req, who, respond, u](const std::string& hash) mutable {
          u.password_hash = hash;
          store_step(
              self, ctx, req.path, who.tenant_id, "create_user",
              [by = requester_of(who, req), scope = persistence::tenant_scope(who.tenant_id),
               u](soci::session& sql) { return user_cases::create_user(sql, by, scope, u); },
              respond,
              [self, respond](user_record& created) {
                respond(http::response::json(
                    201, json::serialize(json::object{
                             {"id", created.id},
                             {"email", created.email},
                             {"globalRole", global_role(created.role, created.superadmin)}})));
                self->quit();
              });
        });
  });
}

void update(context& ctx, http::request req, path_params params, principal who,
            http::responder respond) {
  std::string id(params.get("userId"));
  auto in = read_body(req, respond);
  if (!in) return;
  in->reject_unknown({"displayName", "globalRole", "mustChangePassword", "disabled"});
  persistence::user_patch patch;
  patch.display_name = in->text("displayName", {false, 200, 1});
  patch.role = read_global_role(*in);
  patch.must_change_password = in->boolean("mustChangePassword", false);
  auto disabled = in->boolean("disabled", false);
  if (id == who.id && (disabled.value_or(false) || (patch.role && *patch.role != "admin"))) {
    in->fail("disabled", "an administrator may not disable or demote themself");
  }
  if (!in->ok()) return respond(in->problem(req.path));
  json::object changed;
  for (const char* name : {"displayName", "globalRole", "mustChangePassword", "disabled"}) {
    if (in->has(name)) changed[name] = "changed";
  }
  bool ends_sessions =
      patch.role || patch.must_change_password.value_or(false) || disabled.value_or(false);
  answer_from_store(
      ctx, req, id, "update_user",
      [by = requester_of(who, req), scope = persistence::tenant_scope(who.tenant_id), id, patch,
       disabled, changed, auth = ctx.cfg.auth](soci::session& sql) {
        auto u = user_cases::update_user(sql, by, scope, id, patch, changed, auth).user;
        if (disabled) {
          u = user_cases::set_user_status(sql, by, scope, id, *disabled ? "suspended" : "active");
        }
        return u;
      },
      respond,
      [&ctx, ends_sessions](user_record& u) {
        if (ends_sessions) revoke_user_sessions(ctx, u.id, "changed by an administrator");
        return http::response::json(
            200, json::serialize(json::object{{"id", u.id},
                                              {"email", u.email},
                                              {"displayName", u.display_name},
                                              {"globalRole", global_role(u.role, u.superadmin)}}));
      });
}

/// The console's settings: the stored SMTP overrides, the password never shown.
json::object settings_json(const persistence::smtp_overrides& o) {
  return {{"smtpHost", json_or_null(o.host)},
          {"smtpPort", json_or_null(o.port)},
          {"smtpUser", json_or_null(o.user)},
          {"smtpFrom", json_or_null(o.from)},
          {"smtpPassSet", o.sealed_password.has_value()}};
}

void get_settings(context& ctx, http::request req, path_params, principal,
                  http::responder respond) {
  answer_from_store(
      ctx, req, "node_settings", "read_settings",
      [](soci::session& sql) { return persistence::read_smtp_overrides(sql); }, respond,
      [](persistence::smtp_overrides& o) {
        return http::response::json(200, json::serialize(settings_json(o)));
      });
}

/// Each field sets its SMTP setting (null or "" clears it, and the node's SMTP_* applies
/// again); the password is sealed before it is stored. The mailer reads them with its next
/// batch.
void patch_settings(context& ctx, http::request req, path_params, principal who,
                    http::responder respond) {
  auto in = read_body(req, respond);
  if (!in) return;
  in->reject_unknown({"smtpHost", "smtpPort", "smtpUser", "smtpPass", "smtpFrom"});
  persistence::smtp_change c;
  c.host = in->nullable_text("smtpHost", {false, 255});
  c.user = in->nullable_text("smtpUser", {false, 255});
  c.from = in->nullable_text("smtpFrom", {false, 254});
  auto password = in->nullable_text("smtpPass", {false, 512, 0, false});
  if (in->has("smtpPort")) {
    const auto* v = in->value("smtpPort");
    if (v->is_null()) {
      c.port = std::optional<int64_t>();
    } else if (auto port = in->integer("smtpPort", 1, 65535, false)) {
      c.port = *port;
    }
  }
  if (c.from && *c.from && !is_email(**c.from)) in->fail("smtpFrom", "must be an email address");
  if (!in->ok()) return respond(in->problem(req.path));
  if (password) {
    c.sealed_password =
        *password ? std::optional(ctx.secrets->seal(**password)) : std::optional<std::string>();
  }
  json::object changed;
  for (const char* name : {"smtpHost", "smtpPort", "smtpUser", "smtpPass", "smtpFrom"}) {
    if (in->has(name)) changed[name] = "changed";
  }
  answer_from_store(
      ctx, req, "node_settings", "write_settings",
      [by = requester_of(who, req), c, changed](soci::session& sql) {
        persistence::write_smtp_overrides(sql, c, now_us());
        persistence::append_audit(sql, audit_of(by, "settings.updated", "node", "smtp", changed));
        return persistence::read_smtp_overrides(sql);
      },
      respond,
      [&ctx](persistence::smtp_overrides& o) {
        nudge_mailer(ctx);  // mail that waited for a server goes now
        return http::response::json(200, json::serialize(settings_json(o)));
      });
}

persistence::seed_names seed_names_of(const config::node_config& cfg) {
  return {cfg.ptt.test_seed_event, cfg.ptt.test_seed_team, cfg.ptt.test_seed_channel};
}

json::value named(const std::string& id, const std::string& name) {
  return json::object{{"id", id}, {"name", name}};
}

/// {enabled, seeded, event, team, channel}: each part {id, name}, or null while missing.
json::object seed_json(const context& ctx, const persistence::test_seed& s) {
  json::object o{{"enabled", ctx.cfg.ptt.test_seed_enabled}, {"seeded", s.channel.has_value()}};
  o["event"] = s.event ? named(s.event->id, s.event->name) : json::value(nullptr);
  o["team"] = s.team ? named(s.team->id, s.team->name) : json::value(nullptr);
  o["channel"] = s.channel ? named(s.channel->id, s.channel->name) : json::value(nullptr);
  return o;
}

void get_test_seed(context& ctx, http::request req, path_params, principal who,
                   http::responder respond) {
  answer_from_store(
      ctx, req, who.tenant_id, "find_test_seed",
      [scope = persistence::tenant_scope(who.tenant_id), names = seed_names_of(ctx.cfg)](
          soci::session& sql) { return persistence::find_test_seed(sql, scope, names); },
      respond,
      [&ctx](persistence::test_seed& s) {
        return http::response::json(200, json::serialize(seed_json(ctx, s)));
      });
}

/// Plants what is missing of the seed (201 when anything was, else 200); only with
/// TEST_SEED_ENABLED, as test data has no place on a node that did not ask for it.
void plant_test_seed(context& ctx, http::request req, path_params, principal who,
                     http::responder respond) {
  if (!ctx.cfg.ptt.test_seed_enabled) {
    return respond(http::problem(
        errc::not_configured, "the test seed is off on this node (TEST_SEED_ENABLED)", req.path));
  }
  answer_from_store(
      ctx, req, who.tenant_id, "plant_test_seed",
      [by = requester_of(who, req), names = seed_names_of(ctx.cfg)](soci::session& sql) {
        bool created = false;
        auto seed = ptt_cases::plant_test_seed(sql, by, names, created);
        return std::make_pair(seed, created);
      },
      respond,
      [&ctx](std::pair<persistence::test_seed, bool>& planted) {
        return http::response::json(planted.second ? 201 : 200,
                                    json::serialize(seed_json(ctx, planted.first)));
      });
}

/// Deletes the seed's event with everything in it; its channels' live groups and listeners
/// are told. Allowed with the seed off too: cleaning up is always safe.
void remove_test_seed(context& ctx, http::request req, path_params, principal who,
                      http::responder respond) {
  answer_from_store(
      ctx, req, who.tenant_id, "remove_test_seed",
      [by = requester_of(who, req), names = seed_names_of(ctx.cfg)](soci::session& sql) {
        return ptt_cases::remove_test_seed(sql, by, names);
      },
      respond,
      [&ctx, tenant = who.tenant_id](
          std::vector<std::pair<std::string, persistence::channel_change>>& changes) {
        for (const auto& [user, change] : changes) channels_changed(ctx, tenant, user, change);
        return http::response::json(200, R"({"ok":true})");
      });
}

}  // namespace

void add_console_admin_routes(router& r, context& ctx) {
  route_table routes{r, ctx};
  routes.add("GET", "/api/admin/users", policy::admins, list);
  routes.add("POST", "/api/admin/users", policy::admins, create);
  routes.add("PATCH", "/api/admin/users/:userId", policy::admins, update);
  // SMTP serves every tenant of the node: its settings are the operators'.
  routes.add("GET", "/api/admin/settings", policy::operators, get_settings);
  routes.add("PATCH", "/api/admin/settings", policy::operators, patch_settings);
  routes.add("GET", "/api/admin/test-seed", policy::admins, get_test_seed);
  routes.add("POST", "/api/admin/test-seed", policy::admins, plant_test_seed);
  routes.add("DELETE", "/api/admin/test-seed", policy::admins, remove_test_seed);
  routes.add(
      "GET", "/api/admin/status", policy::admins,
      +[](context& ctx, http::request, path_params, principal, http::responder respond) {
        readiness(ctx, std::move(respond));
      });
}

}  // namespace sb::api
