#pragma once

#include <caf/meta/type_name.hpp>

#include <memory>
#include <string>

#include "actors/runtime/shared_bytes.hpp"
#include "config/domain/ptt/talk_event.hpp"

namespace sb {

/// Where a client's audio packet goes.
enum class audio_route : uint8_t { group = 0, direct = 1, emergency = 2 };

/// Opus bytes as received, shared between the recorder and every protocol's encoder.
using audio_bytes = shared_bytes;

}  // namespace sb

namespace sb::ptt {

/// A talk event travels between nodes field by field (registered in actors/node_messages.cpp).
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, talk_event& x) {
  return f(caf::meta::type_name("talk_event"), x.what, x.type, x.target, x.from, x.message_id,
           x.duration_ms, x.start_raw, x.dispatcher, x.emergency, x.read, x.reason,
           bytes_field{x.payload}, x.at_ms);
}

}  // namespace sb::ptt
