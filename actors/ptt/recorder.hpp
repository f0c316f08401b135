#pragma once

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "persistence/ptt/messages.hpp"
#include "persistence/store.hpp"

namespace sb {

struct recorder_state {
  recorder_state() = default;  // not an aggregate (docs/architecture.md)
  ~recorder_state();
  std::map<std::string, std::FILE*> open;  ///< burst key → temporary file
  static inline const char* name = "recorder";
};

/// Writes talk bursts to disk: Opus packets as received, concatenated (VoicePing's format),
/// under <dir>/audio/<message id>. Detached, because file I/O may block. Deletes recordings
/// older than `retention_days` once an hour (0 keeps them forever).
///
/// Messages: (rec_open_atom, key); (rec_append_atom, key, audio_bytes);
/// (rec_close_atom, key, std::string message_id) → int64_t bytes written (0: nothing recorded);
/// (rec_read_atom, std::string message_id) → std::string bytes, or errc::not_found.
caf::behavior recorder_actor(caf::stateful_actor<recorder_state>* self, std::string dir,
                             uint32_t retention_days);

/// Finishes a burst from inside `self`: closes the recording `key` under the name `m.id`; when
/// it holds audio, stores `m` (with its size) and then calls `finish(m.id, m.duration_ms)`.
/// Without audio, or when anything fails, calls `finish("", m.duration_ms)`.
void commit_burst(caf::event_based_actor* self, const caf::actor& recorder,
                  const persistence::store_ptr& store, std::chrono::milliseconds timeout,
                  const std::string& key, persistence::ptt_message m,
                  std::function<void(std::string, int64_t)> finish);

/// Where a recording lives, for serving it; "" when `message_id` is not a plausible name.
std::string recording_path(const std::string& dir, const std::string& message_id);

}  // namespace sb
