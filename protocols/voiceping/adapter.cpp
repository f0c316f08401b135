#include "protocols/voiceping/adapter.hpp"

#include <caf/send.hpp>

#include "actors/runtime/atoms.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/metrics.hpp"

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

adapter::adapter(caf::actor session, ws::outbound_ptr out, rate_limiter* limiter,
                 uint32_t messages_per_min)
    : session_(std::move(session)),
      out_(std::move(out)),
      limiter_(limiter),
      messages_per_min_(messages_per_min) {}

void adapter::on_message(ws::opcode op, std::string payload) {
  if (op == ws::opcode::text) return drops().text.inc();  // "Could not parse", silently
  auto f = decode(payload);
  if (!f) return drops().malformed.inc();
  // Audio is paced by the floor, not by the message limit.
  bool audio = f->message_type == static_cast<int64_t>(message_type::audio);
  if (!audio && limiter_ && messages_per_min_ > 0 &&
      !limiter_->hit(out_->id(), messages_per_min_, now_us()).allowed) {
    return drops().rate_limited.inc();
  }
  caf::anon_send(session_, voiceping_atom::value, std::move(*f));
}

void adapter::on_oversized(ws::opcode, uint64_t) {
  drops().oversized.inc();
}

void adapter::on_closed(uint16_t code) {
  caf::anon_send(session_, closed_atom::value, code);
}

}  // namespace sb::voiceping
