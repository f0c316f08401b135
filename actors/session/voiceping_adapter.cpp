#include "actors/session/voiceping_adapter.hpp"

#include <caf/send.hpp>

#include "actors/runtime/atoms.hpp"
#include "config/ground/metrics.hpp"

namespace sb::voiceping {

namespace {

metrics::counter& dropped(std::string_view reason) {
  return metrics::global().get_counter("sb_voiceping_frames_dropped_total",
                                       "VoicePing frames ignored, by reason",
                                       {{"reason", std::string(reason)}});
}

struct drop_counters {
  metrics::counter& text = dropped("text_frame");
  metrics::counter& malformed = dropped("malformed");
  metrics::counter& oversized = dropped("oversized");
  metrics::counter& rate_limited = dropped("rate_limited");
};

drop_counters& drops() {
  static drop_counters c;
  return c;
}

}  // namespace

adapter::adapter(session_actor session, ws::outbound_ptr out, ws::message_budget budget)
    : session_(std::move(session)), out_(std::move(out)), budget_(std::move(budget)) {}

void adapter::on_message(ws::opcode op, std::string payload) {
  auto f = op == ws::opcode::text ? std::nullopt : decode(payload);
  // Audio is paced by the floor and the audio limits; everything else counts against the
  // budget, malformed frames included.
  bool audio = f && f->message_type == static_cast<int64_t>(message_type::audio);
  if (!audio && !budget_.hit().allowed) return drops().rate_limited.inc();
  if (op == ws::opcode::text) return drops().text.inc();  // "Could not parse", silently
  if (!f) return drops().malformed.inc();
  caf::anon_send(session_, voiceping_atom::value, std::move(*f));
}

void adapter::on_oversized(ws::opcode, uint64_t) {
  drops().oversized.inc();
}

void adapter::on_closed(uint16_t code) {
  caf::anon_send(session_, closed_atom::value, code);
}

}  // namespace sb::voiceping
