#pragma once

#include <functional>
#include <string>
#include <vector>

#include "actors/session/group_talk.hpp"

namespace sb {

// Emergency broadcast: a dispatcher of an event (an ACTIVE DISPATCH member, or a tenant
// administrator) takes the floor of every channel of the event at once, pre-empting any
// talker, and the audio reaches every listener of every channel.

/// Takes the floors: `done(channel ids)` once every group answered; `failed(forbidden)` for
/// anyone else, `failed(not_found)` for an event outside the tenant, `failed(conflict)` while
/// another broadcast of this session runs.
void start_emergency(session_ptr self, const session_deps& deps, const std::string& event_id,
                     std::function<void(const std::vector<std::string>&)> done, failed_fn failed);

void send_emergency_audio(session_ptr self, const session_deps& deps, const audio_bytes& opus);

/// Releases every floor of the broadcast; `done()` once every group committed its burst.
void stop_emergency(session_ptr self, const session_deps& deps, std::function<void()> done);

}  // namespace sb
