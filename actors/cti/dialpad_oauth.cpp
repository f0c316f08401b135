#include "actors/cti/dialpad_oauth.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json.hpp>

#include "actors/runtime/atoms.hpp"
#include "config/ground/clock.hpp"
#include "persistence/cti/dialpad_oauth.hpp"
#include "persistence/store_job.hpp"
#include "protocols/http/client.hpp"
#include "protocols/http/message.hpp"

namespace sb::dialpad {

namespace json = boost::json;

namespace {

tokens call_token_endpoint(const config::cti_config& cfg, json::object grant) {
  grant["client_id"] = cfg.dialpad_client_id;
  grant["client_secret"] = cfg.dialpad_client_secret;
  auto reply = http::fetch("POST", cfg.dialpad_base_url + "/oauth2/token", json::serialize(grant),
                           {{"Content-Type", "application/json"}, {"Accept", "application/json"}},
                           cfg.oauth_timeout);
  json::error_code ec;
  auto body = json::parse(reply.body, ec);
  if (reply.status != 200 || ec || !body.is_object()) {
    // Dialpad's error object names the problem ("invalid_grant"); it holds no token.
    std::string why = !ec && body.is_object() && body.as_object().contains("error")
                          ? json::serialize(body.as_object().at("error"))
                          : "";
    throw std::runtime_error(fmt::format("token endpoint answered {} {}", reply.status, why));
  }
  const auto& o = body.as_object();
  auto* access = o.if_contains("access_token");
  if (!access || !access->is_string() || access->as_string().empty()) {
    throw std::runtime_error("token endpoint answered without an access_token");
  }
  tokens t;
  t.access_token = std::string(access->as_string());
  if (auto* r = o.if_contains("refresh_token"); r && r->is_string())
    t.refresh_token = std::string(r->as_string());
  if (auto* e = o.if_contains("expires_in"); e && e->is_number())
    t.expires_in_s = e->to_number<int64_t>();
  if (auto* s = o.if_contains("scope"); s && s->is_string()) t.scope = std::string(s->as_string());
  return t;
}

}  // namespace

std::string new_verifier() {
  return crypto::random_hex(32);
}

std::string authorize_url(const config::cti_config& cfg, const std::string& state,
                          const std::string& verifier) {
  auto challenge = crypto::base64url_encode(crypto::sha256(verifier));
  return fmt::format(
      "{}/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state={}"
      "&code_challenge={}&code_challenge_method=S256",
      cfg.dialpad_base_url, http::percent_encode(cfg.dialpad_client_id),
      http::percent_encode(cfg.dialpad_redirect_uri), http::percent_encode(cfg.dialpad_scopes),
      http::percent_encode(state), challenge);
}

tokens exchange_code(const config::cti_config& cfg, const std::string& code,
                     const std::string& verifier) {
  return call_token_endpoint(cfg, json::object{{"grant_type", "authorization_code"},
                                               {"code", code},
                                               {"code_verifier", verifier},
                                               {"redirect_uri", cfg.dialpad_redirect_uri}});
}

tokens refresh(const config::cti_config& cfg, const std::string& refresh_token) {
  return call_token_endpoint(
      cfg, json::object{{"grant_type", "refresh_token"}, {"refresh_token", refresh_token}});
}

caf::behavior refresher_actor(caf::stateful_actor<refresher_state>* self,
                              persistence::store_client store, config::cti_config cfg,
                              std::shared_ptr<const crypto::secret_box> box) {
  self->send(self, tick_atom::value);
  auto save = [self, store](const std::string& app, std::string_view name, auto fn) {
    store.ask(
        self, "app:" + app, name, std::move(fn), [](bool) {},
        [app](const persistence::store_failure&) {
          spdlog::warn("app {}: cannot store tokens", app);
        });
  };
  return {
      [=](tick_atom) {
        store.ask(
            self, "dialpad_tokens", "dialpad_due",
            [cfg](soci::session& sql) {
              return persistence::connections_to_refresh(
                  sql, now_us() + std::chrono::duration_cast<std::chrono::microseconds>(
                                      cfg.oauth_refresh_before)
                                      .count());
            },
            [=](std::vector<persistence::dialpad_connection>& due) {
              for (const auto& c : due) {
                auto refresh_token = box->open(*c.refresh_token_sealed);
                if (!refresh_token) {
                  spdlog::warn(
                      "app {}: its Dialpad refresh token cannot be unsealed (was "
                      "SECRETS_KEY changed?)",
                      c.app_id);
                  continue;
                }
                try {
                  auto t = refresh(cfg, *refresh_token);
                  persistence::dialpad_connection fresh;
                  fresh.app_id = c.app_id;
                  fresh.access_token_sealed = box->seal(t.access_token);
                  if (t.refresh_token) fresh.refresh_token_sealed = box->seal(*t.refresh_token);
                  fresh.scope = t.scope;
                  if (t.expires_in_s) fresh.expires_at_us = now_us() + *t.expires_in_s * 1'000'000;
                  spdlog::info("app {}: Dialpad tokens refreshed", c.app_id);
                  save(c.app_id, "dialpad_refreshed", [fresh](soci::session& sql) {
                    persistence::save_dialpad_tokens(sql, fresh, true, now_us());
                    return true;
                  });
                } catch (const std::exception& e) {
                  spdlog::warn("app {}: Dialpad token refresh failed: {}", c.app_id, e.what());
                  save(c.app_id, "dialpad_refresh_failed",
                       [app = c.app_id, why = std::string(e.what())](soci::session& sql) {
                         persistence::record_refresh_failure(sql, app, why, now_us());
                         return true;
                       });
                }
              }
              self->delayed_send(self, cfg.oauth_refresh_interval, tick_atom::value);
            },
            [=](const persistence::store_failure&) {
              self->delayed_send(self, cfg.oauth_refresh_interval, tick_atom::value);
            });
      },
  };
}

}  // namespace sb::dialpad
