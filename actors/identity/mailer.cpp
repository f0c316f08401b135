#include "actors/identity/mailer.hpp"

#include <spdlog/spdlog.h>
#include <caf/all.hpp>

#include <algorithm>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/census.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"
#include "persistence/identity/node_settings.hpp"
#include "persistence/outbox.hpp"
#include "persistence/store_job.hpp"
#include "protocols/smtp/client.hpp"

namespace sb {

namespace {

constexpr auto kPollInterval = std::chrono::seconds(2);
constexpr int64_t kBatch = 20;

struct outcome {
  int64_t id;
  bool sent;
  std::string error;
  std::optional<int64_t> retry_at_us;
};

/// What a batch works on: the due mail and the SMTP settings stored at that moment.
struct due_batch {
  std::vector<persistence::outbound_email> mail;
  persistence::smtp_overrides overrides;
};

smtp::settings effective(const config::smtp_config& cfg, const persistence::smtp_overrides& o,
                         const crypto::secret_box& secrets) {
  smtp::settings s{cfg.host, cfg.port, cfg.user, cfg.password, cfg.from, cfg.tls, cfg.timeout};
  if (o.host) s.host = *o.host;
  if (o.port) s.port = static_cast<uint16_t>(*o.port);
  if (o.user) s.user = *o.user;
  if (o.from) s.from = *o.from;
  if (o.sealed_password) {
    auto password = secrets.open(*o.sealed_password);
    if (!password) spdlog::warn("the stored SMTP password cannot be opened (SECRETS_KEY changed?)");
    s.password = password.value_or("");
  }
  return s;
}

int64_t backoff_us(int64_t attempts) {
  int64_t delay = 30'000'000;
  for (int64_t i = 0; i < attempts && delay < 3'600'000'000; ++i) delay *= 2;
  return std::min<int64_t>(delay, 3'600'000'000);
}

}  // namespace

caf::behavior mailer_actor(caf::stateful_actor<mailer_state>* self, persistence::store_client store,
                           config::smtp_config cfg,
                           std::shared_ptr<const crypto::secret_box> secrets) {
  static actor_census census{"mailer"};
  census.track(self);
  auto& sent_total = metrics::global().get_counter("sb_mail_total", "Outgoing mail, by outcome",
                                                   {{"outcome", "sent"}});
  auto& retry_total = metrics::global().get_counter("sb_mail_total", "Outgoing mail, by outcome",
                                                    {{"outcome", "retry"}});
  auto& failed_total = metrics::global().get_counter("sb_mail_total", "Outgoing mail, by outcome",
                                                     {{"outcome", "failed"}});
  self->send(self, caf::timeout_atom::value);  // starts the periodic poll

  auto record = [=](std::vector<outcome> results) {
    bool more = results.size() == static_cast<size_t>(kBatch);
    store.ask(
        self, "outbox", "mail_outcomes",
        [results](soci::session& sql) {
          for (const auto& r : results) {
            if (r.sent) {
              persistence::mark_email_sent(sql, r.id, now_us());
            } else {
              persistence::mark_email_failed(sql, r.id, r.error, r.retry_at_us);
            }
          }
          return true;
        },
        [=](bool) {
          self->state.busy = false;
          if (more) self->send(self, tick_atom::value);
        },
        [=](const persistence::store_failure&) { self->state.busy = false; });
  };

  return {
      [=, &sent_total, &retry_total, &failed_total](tick_atom) {
        census.on_message(self);
        if (self->state.busy) return;
        self->state.busy = true;
        store.ask(
            self, "outbox", "due_emails",
            [](soci::session& sql) {
              return due_batch{persistence::due_emails(sql, now_us(), kBatch),
                               persistence::read_smtp_overrides(sql)};
            },
            [=, &sent_total, &retry_total, &failed_total](due_batch& due) {
              auto smtp = effective(cfg, due.overrides, *secrets);
              if (due.mail.empty() || smtp.host.empty()) {  // no SMTP server yet: mail waits
                self->state.busy = false;
                return;
              }
              std::vector<outcome> results;
              for (const auto& mail : due.mail) {
                try {
                  smtp::send(smtp, {mail.to, mail.subject, mail.body});
                  results.push_back({mail.id, true, {}, std::nullopt});
                  sent_total.inc();
                } catch (const smtp::error& e) {
                  bool give_up = e.permanent() || mail.attempts + 1 >= cfg.max_attempts;
                  spdlog::warn("mail {} not sent ({}): {}", mail.id,
                               give_up ? "giving up" : "will retry", e.what());
                  results.push_back(
                      {mail.id, false, e.what(),
                       give_up ? std::nullopt
                               : std::optional<int64_t>(now_us() + backoff_us(mail.attempts))});
                  (give_up ? failed_total : retry_total).inc();
                }
              }
              record(std::move(results));
            },
            [=](const persistence::store_failure&) { self->state.busy = false; });
      },
      // The periodic poll; a separate timer message keeps nudges from multiplying it.
      [=](caf::timeout_atom) {
        self->send(self, tick_atom::value);
        self->delayed_send(self, kPollInterval, caf::timeout_atom::value);
      },
  };
}

}  // namespace sb
