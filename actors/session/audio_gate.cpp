#include "actors/session/audio_gate.hpp"

#include <fmt/format.h>

#include "config/ground/clock.hpp"
#include "config/ground/error_metrics.hpp"
#include "config/ground/metrics.hpp"
#include "protocols/native/codec.hpp"

namespace sb {

namespace {

using verdict = audio_meter::verdict;

metrics::counter& over_limit(const char* limit) {
  return metrics::global().get_counter("sb_ptt_audio_frames_over_limit_total",
                                       "Audio frames dropped for breaking an audio limit",
                                       {{"limit", limit}});
}

struct refusal {
  metrics::counter& counter;
  errc code;
};

refusal refusal_of(verdict v) {
  static auto& frame = over_limit("frame_bytes");
  static auto& rate = over_limit("bytes_per_s");
  static auto& burst = over_limit("burst_bytes");
  switch (v) {
    case verdict::frame_too_large:
      return {frame, errc::payload_too_large};
    case verdict::too_fast:
      return {rate, errc::too_many_requests};
    case verdict::burst_too_long:
    case verdict::pass:
      break;
  }
  return {burst, errc::limit_reached};
}

std::string message_of(verdict v, size_t bytes, const audio_limits& l) {
  switch (v) {
    case verdict::frame_too_large:
      return fmt::format("audio frame of {} bytes exceeds ptt.max_audio_frame_bytes ({})", bytes,
                         l.frame_bytes);
    case verdict::too_fast:
      return fmt::format("audio faster than ptt.max_audio_bytes_per_s ({}); frames dropped",
                         l.bytes_per_s);
    case verdict::burst_too_long:
    case verdict::pass:
      break;
  }
  return fmt::format("this burst reached ptt.max_burst_bytes ({}); stop and start again",
                     l.burst_bytes);
}

}  // namespace

bool audio_admitted(session_ptr self, const session_deps& deps, size_t bytes) {
  auto& st = self->state;
  auto now = now_us();
  auto v = st.audio.admit(bytes, now, deps.audio);
  if (v == verdict::pass) return true;
  auto r = refusal_of(v);
  r.counter.inc();
  if (deps.protocol == wire::native && now - st.last_audio_notice_us >= 1'000'000) {
    st.last_audio_notice_us = now;
    count_error(r.code);
    deps.out->send(
        ws::text_frame(native::encode_error({}, r.code, message_of(v, bytes, deps.audio))));
  }
  return false;
}

void audio_burst_started(session_ptr self) {
  self->state.audio.burst_started();
}

}  // namespace sb
