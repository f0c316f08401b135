#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>

#include <memory>
#include <string>

#include "config/domain/ptt/talk_event.hpp"

namespace sb {

using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsubscr")>;
using talk_start_atom = caf::atom_constant<caf::atom("talkstart")>;
using talk_stop_atom = caf::atom_constant<caf::atom("talkstop")>;
using audio_atom = caf::atom_constant<caf::atom("audio")>;
using text_atom = caf::atom_constant<caf::atom("text")>;
using membership_atom = caf::atom_constant<caf::atom("members")>;
using traffic_atom = caf::atom_constant<caf::atom("traffic")>;
using floor_timer_atom = caf::atom_constant<caf::atom("floortimer")>;
using rec_open_atom = caf::atom_constant<caf::atom("recopen")>;
using rec_append_atom = caf::atom_constant<caf::atom("recappend")>;
using rec_close_atom = caf::atom_constant<caf::atom("recclose")>;
using rec_read_atom = caf::atom_constant<caf::atom("recread")>;
using rec_size_atom = caf::atom_constant<caf::atom("recsize")>;
using direct_atom = caf::atom_constant<caf::atom("direct")>;

/// Where a client's audio packet goes.
enum class audio_route : uint8_t { group = 0, direct = 1, emergency = 2 };

/// Opus bytes as received, shared between the recorder and every protocol's encoder.
using audio_bytes = std::shared_ptr<const std::string>;

}  // namespace sb

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::audio_bytes)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::ptt::talk_event)
