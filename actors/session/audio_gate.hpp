#pragma once

#include <cstddef>

#include "actors/session/group_talk.hpp"

namespace sb {

/// Meters a frame of `bytes` of audio from this session's client against the audio limits
/// (audio_meter.hpp). A frame over a limit is dropped and counted
/// (sb_ptt_audio_frames_over_limit_total{limit}); a native client is told, at most once a
/// second, with an error naming the limit. VoicePing clients are not: that protocol has no
/// error for it.
bool audio_admitted(session_ptr self, const session_deps& deps, size_t bytes);

/// This session starts a burst (group, private or emergency): its burst byte count restarts.
void audio_burst_started(session_ptr self);

}  // namespace sb
