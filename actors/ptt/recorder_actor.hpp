#pragma once

#include <caf/typed_actor.hpp>

#include <cstdint>
#include <string>

#include "actors/ptt/ptt_messages.hpp"
#include "actors/runtime/atoms.hpp"
#include "persistence/ptt/messages.hpp"

// Bursts are committed by the recorder of the same node.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::persistence::ptt_message)

namespace sb {

/// The recorder's interface (recorder.hpp): a burst's recording is opened, appended to, and
/// closed (its row stored within the tenant's quota: the message id, or "" when nothing was
/// kept); recordings are sized and read piece by piece for downloads; `tick` runs retention.
using recorder_actor = caf::typed_actor<
    caf::reacts_to<rec_open_atom, std::string>,
    caf::reacts_to<rec_append_atom, std::string, audio_bytes>,
    caf::replies_to<rec_close_atom, std::string, persistence::ptt_message>::with<std::string>,
    caf::replies_to<rec_size_atom, std::string>::with<int64_t>,
    caf::replies_to<rec_read_atom, std::string, uint64_t, uint64_t>::with<std::string>,
    caf::reacts_to<caf::tick_atom>>;

}  // namespace sb
