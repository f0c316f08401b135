#include "persistence/cti/processing.hpp"

#include "config/ground/clock.hpp"
#include "persistence/cti/calls.hpp"
#include "persistence/cti/user_mappings.hpp"
#include "persistence/cti/voicemails.hpp"
#include "persistence/cti/webhook_events.hpp"

namespace sb::persistence {

namespace {

std::optional<std::string> crm_user_of(soci::session& sql, const std::string& app_id,
                                       const std::optional<int64_t>& dialpad_user_id) {
  if (!dialpad_user_id) return std::nullopt;
  auto m = mapping_by_dialpad_id(sql, app_id, *dialpad_user_id);
  if (!m) return std::nullopt;
  return m->crm_user_id;
}

processing_outcome process_one(soci::session& sql, const cti_wire& wire,
                               const webhook_event& stored, int64_t now_us, int64_t& last_seq) {
  processing_outcome out;
  std::string why;
  auto e = wire.read(stored.payload, &why);
  if (!e) {
    out.unprocessable = "not a call event: " + why;
    record_webhook_failure(sql, stored.id, *out.unprocessable, now_us, 0, 1, true);
    return out;
  }
  auto applied = apply_call_event(sql, stored.app_id, stored.tenant_id, *e, stored.id, now_us);
  auto crm_user = crm_user_of(sql, stored.app_id, applied.call.dialpad_user_id);
  auto append = [&](std::string_view event, auto encode) {
    auto seq = ++last_seq;
    out.events.push_back(append_app_event(sql, stored.app_id, std::string(event), encode(seq),
                                          crm_user, now_us, seq));
  };
  std::optional<voicemail> vm;
  if (e->voicemail_url || e->transcript) {
    vm = upsert_voicemail(sql, stored.app_id, stored.tenant_id, *e, now_us);
  }
  if (vm && e->voicemail_url) {
    append("voicemail.received", [&](int64_t seq) {
      return wire.voicemail(*e, *vm, applied.call.id, crm_user, seq, now_us);
    });
  } else if (!applied.stale) {
    append(dialpad::seed_event_of(e->state),
           [&](int64_t seq) { return wire.call(*e, applied.call, crm_user, seq, now_us); });
  }
  return out;
}

}  // namespace

std::vector<processing_outcome> process_webhook_events(soci::session& sql, const cti_wire& wire,
                                                       const std::vector<webhook_event>& events,
                                                       int64_t now_us) {
  std::vector<processing_outcome> out;
  if (events.empty()) return out;
  auto last_seq = last_app_seq(sql, events.front().app_id);
  std::vector<int64_t> processed;
  for (const auto& e : events) {
    out.push_back(process_one(sql, wire, e, now_us, last_seq));
    if (!out.back().unprocessable) processed.push_back(e.id);
  }
  mark_webhooks_processed(sql, processed, now_us);  // one statement for the batch
  return out;
}

}  // namespace sb::persistence
