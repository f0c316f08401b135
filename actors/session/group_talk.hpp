#pragma once

#include <caf/stateful_actor.hpp>

#include <functional>
#include <string>

#include "actors/ptt/ptt_messages.hpp"
#include "actors/ptt/talk_group.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/session/session_actor.hpp"
#include "config/ground/errc.hpp"

namespace sb {

// Group talk for a session of any wire protocol: joining the user's talk groups, and turning
// floor requests, stops, texts and audio into talk-group messages. The protocol's handlers
// answer the client from the callbacks.

using session_ptr = session_actor::stateful_pointer<session_state>;
using failed_fn = std::function<void(errc)>;

/// A store failure handler that hands the failure's code to `failed`.
inline auto on_failure(failed_fn failed) {
  return [failed](const persistence::store_failure& f) { failed(f.code); };
}

/// Joins every talk group the user hears (when the session starts); `done` once every group
/// answered, or once the store failed: the session then tries again (rejoin_atom with the
/// attempt's number) after a second, doubling up to 30 s, until the groups are loaded.
void join_heard_channels(session_ptr self, const session_deps& deps, std::function<void()> done,
                         uint32_t attempt = 0);

/// Joins (hears = true) or leaves one talk group, then `done`. A native client is told
/// (channel.joined, channel.left).
void update_channel(session_ptr self, const session_deps& deps, const std::string& channel,
                    bool hears, bool dispatcher, std::function<void()> done = {});

/// Joins the channel's group again after it moved to another member (or its owner died),
/// without telling the client: the session asks the directory again every 250 ms, up to 40
/// times (moved_atom with the next attempt), then gives the channel up (channel.left).
void rejoin_moved_channel(session_ptr self, const session_deps& deps, const std::string& channel,
                          bool dispatcher, uint32_t attempt);

/// Forgets a channel the session no longer hears (the group dropped it).
void left_channel(session_ptr self, const session_deps& deps, const std::string& channel);

/// Asks the channel's group for the floor; a channel the session has not joined is
/// not_member.
void request_floor(session_ptr self, const session_deps& deps, const std::string& channel,
                   std::string start_raw, std::function<void(floor_answer)> done, failed_fn failed);

/// Ends this user's burst on the channel: `done(message id, duration)` once it is committed
/// ("" and 0 when the user did not hold the floor).
void release_floor(session_ptr self, const session_deps& deps, const std::string& channel,
                   std::function<void(const std::string&, int64_t)> done, failed_fn failed);

/// Stores a text for the channel and forwards it: `done(message id)` after the commit.
void send_group_text(session_ptr self, const session_deps& deps, const std::string& channel,
                     std::string text, std::function<void(const std::string&)> done,
                     failed_fn failed);

/// Hands an audio packet to the group, which forwards it only from the floor holder.
void send_group_audio(session_ptr self, const session_deps& deps, const std::string& channel,
                      const audio_bytes& opus);

}  // namespace sb
