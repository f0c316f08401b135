#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "persistence/ptt/messages.hpp"
#include "persistence/store_client.hpp"

// Bursts are committed by the recorder of the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::persistence::ptt_message)

namespace sb {

/// What the recorder needs: where recordings live, how long they are kept, the store that
/// holds their rows, and each tenant's quota.
struct recorder_deps {
  std::string dir;
  uint32_t retention_days = 0;  ///< 0 keeps recordings forever
  uint64_t quota_bytes = 0;     ///< recordings kept per tenant; 0 = no quota
  persistence::store_client store;
};

struct recorder_state {
  recorder_state() = default;  // not an aggregate (docs/architecture.md)
  ~recorder_state();
  std::map<std::string, std::FILE*> open;  ///< burst key → temporary file
  static inline const char* name = "recorder";
};

/// Writes talk bursts to disk: Opus packets as received, concatenated (VoicePing's format),
/// under <dir>/audio/<message id>, and stores their rows. Detached, because file I/O may
/// block. Once an hour, deletes the recordings older than `retention_days` and marks their
/// rows purged (the tenant's usage shrinks with them).
///
/// Messages: (rec_open_atom, key); (rec_append_atom, key, audio_bytes);
/// (rec_close_atom, key, ptt_message m) → std::string message id: the burst is kept under
/// m.id and its row stored within the tenant's quota; "" when it held no audio, passed the
/// quota (sb_ptt_recordings_over_quota_total) or could not be stored;
/// (rec_size_atom, message id) → int64_t bytes, or errc::not_found;
/// (rec_read_atom, message id, uint64_t offset, uint64_t max) → std::string: up to `max`
/// bytes from `offset` (empty past the end), or errc::not_found.
caf::behavior recorder_actor(caf::stateful_actor<recorder_state>* self, recorder_deps deps);

/// Finishes a burst from inside `self`: the recorder closes the recording `key` and stores `m`
/// (with its size); then `finish(message id, m.duration_ms)`, with "" when nothing was kept.
void commit_burst(caf::event_based_actor* self, const caf::actor& recorder, const std::string& key,
                  persistence::ptt_message m, std::function<void(std::string, int64_t)> finish);

/// Where a recording lives, for serving it; "" when `message_id` is not a plausible name.
std::string recording_path(const std::string& dir, const std::string& message_id);

}  // namespace sb
