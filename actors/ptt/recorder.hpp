#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "actors/ptt/recorder_actor.hpp"
#include "persistence/ptt/messages.hpp"
#include "persistence/store_client.hpp"

namespace sb {

/// What the recorder needs: where recordings live, how long they are kept, the store that
/// holds their rows, and each tenant's quota.
struct recorder_deps {
  std::string dir;
  uint32_t retention_days = 0;  ///< 0 keeps recordings forever
  uint64_t quota_bytes = 0;     ///< recordings kept per tenant; 0 = no quota
  persistence::store_client store;
};

/// A burst being written to its temporary file.
struct open_burst {
  std::FILE* file = nullptr;
  bool failed = false;  ///< a write failed (full disk): the burst is not kept
};

struct recorder_state {
  recorder_state() = default;  // not an aggregate (docs/architecture.md)
  ~recorder_state();
  std::map<std::string, open_burst> open;  ///< burst key → its temporary file
  static inline const char* name = "recorder";
};

/// Writes talk bursts to disk: Opus packets as received, concatenated (VoicePing's format),
/// under <dir>/audio/<message id>, and stores their rows. Detached, because file I/O may
/// block. Once an hour, deletes the recordings older than `retention_days` and marks their
/// rows purged (the tenant's usage shrinks with them).
///
/// Its interface is recorder_actor: rec_close keeps the burst under m.id and stores its row
/// within the tenant's quota, answering "" when it held no audio, passed the quota
/// (sb_ptt_recordings_over_quota_total), could not be written whole (a full disk:
/// sb_ptt_recordings_failed_total; no truncated recording is kept) or could not be stored; rec_size
/// and rec_read answer errc::not_found for a recording that is gone; rec_read answers up to `max`
/// bytes from `offset` (empty past the end).
recorder_actor::behavior_type recorder_impl(recorder_actor::stateful_pointer<recorder_state> self,
                                            recorder_deps deps);

/// Finishes a burst from inside `self`: the recorder closes the recording `key` and stores `m`
/// (with its size); then `finish(message id, m.duration_ms)`, with "" when nothing was kept.
template <class Self>
void commit_burst(Self* self, const recorder_actor& recorder, const std::string& key,
                  persistence::ptt_message m, std::function<void(std::string, int64_t)> finish) {
  auto duration = m.duration_ms;
  self->request(recorder, caf::infinite, rec_close_atom::value, key, std::move(m))
      .then([finish, duration](std::string& id) { finish(std::move(id), duration); },
            [finish, duration](caf::error&) { finish({}, duration); });
}

/// Where a recording lives, for serving it; "" when `message_id` is not a plausible name.
std::string recording_path(const std::string& dir, const std::string& message_id);

}  // namespace sb
