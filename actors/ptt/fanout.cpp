#include "actors/ptt/fanout.hpp"

#include <caf/all.hpp>

#include <algorithm>

#include "config/ground/clock.hpp"
#include "config/ground/metrics.hpp"

namespace sb {

namespace {

struct fanout_metrics {
  metrics::counter& frames_out = metrics::global().get_counter("sb_ptt_audio_frames_out_total",
                                                               "Audio frames queued for listeners");
  metrics::counter& frames_late = metrics::global().get_counter(
      "sb_ptt_audio_frames_late_total",
      "Audio frames dropped whole because they were older than ptt.max_audio_lag_ms");
  metrics::counter& frames_dropped =
      metrics::global().get_counter("sb_ptt_audio_frames_dropped_total",
                                    "Audio frames not queued for a listener that was too slow");
};

fanout_metrics& fanout_counters() {
  static fanout_metrics m;
  return m;
}

/// Queues `job` (without writing, unless `write`) for the matching listeners of `roster`.
void enqueue(const std::vector<listener>& roster, const delivery_job& job, bool write) {
  uint64_t queued = 0, dropped = 0;
  for (const auto& l : roster) {
    if ((l.user_id == job.user) != job.only_user) continue;
    const auto& frame = job.frames[static_cast<size_t>(l.protocol)];
    if (!frame) continue;
    bool ok = write ? l.out->send(frame, job.mode) : l.out->queue(frame, job.mode);
    ++(ok ? queued : dropped);
  }
  if (job.audio) {  // counted once per packet, not once per listener
    fanout_counters().frames_out.inc(queued);
    fanout_counters().frames_dropped.inc(dropped);
  }
}

}  // namespace

relay_frames to_relay(const delivery_job& job) {
  relay_frames out;
  for (const auto& f : job.frames) out.frames.emplace_back(f);
  out.mode = static_cast<uint8_t>(job.mode);
  out.user = job.user;
  out.only_user = job.only_user;
  out.audio = job.audio;
  return out;
}

delivery_job from_relay(const relay_frames& frames) {
  delivery_job job;
  for (size_t i = 0; i < std::min(kWires, frames.frames.size()); ++i) {
    const auto& f = frames.frames[i].ptr();
    if (f && !f->empty()) job.frames[i] = f;
  }
  job.mode = frames.mode == static_cast<uint8_t>(ws::delivery::droppable) ? ws::delivery::droppable
                                                                          : ws::delivery::reliable;
  job.user = frames.user;
  job.only_user = frames.only_user;
  job.audio = frames.audio;
  return job;
}

bool is_late(int64_t sent_us, int64_t max_lag_us) {
  if (max_lag_us <= 0 || sent_us == 0 || steady_us() - sent_us <= max_lag_us) return false;
  fanout_counters().frames_late.inc();
  return true;
}

void deliver(const std::vector<listener>& roster, const delivery_job& job) {
  enqueue(roster, job, true);
}

namespace {

void write_batch(std::vector<std::pair<delivery_job, roster_ptr>>& pending) {
  if (pending.size() == 1) return deliver(*pending[0].second, pending[0].first);
  const std::vector<listener>* flushed = nullptr;
  for (const auto& [job, roster] : pending) enqueue(*roster, job, false);
  for (const auto& [job, roster] : pending) {
    if (roster.get() == flushed) continue;  // the roster seldom changes within a batch
    flushed = roster.get();
    for (const auto& l : *roster) l.out->flush();
  }
}

}  // namespace

caf::behavior ptt_lane(caf::stateful_actor<ptt_lane_state>* self) {
  return fanout_lane<delivery_job, roster_ptr, write_batch>(self);
}

}  // namespace sb
