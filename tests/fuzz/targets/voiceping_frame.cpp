// VoicePing frames (protocols/voiceping/frame): a decoded frame encodes to bytes that decode
// to the same frame.
#include "protocols/voiceping/frame.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace vp = sb::voiceping;

SB_FUZZ_TARGET(voiceping_frame) {
  auto f = vp::decode(sb::fuzz::as_text(data, size));
  if (!f) return;
  auto payload = f->payload.value_or(sb::msgpack::value{});
  auto bytes = vp::encode(f->type, static_cast<vp::message_type>(f->message_type), f->from, f->to,
                          payload, f->payload ? std::optional(f->message_id) : std::nullopt);
  auto back = vp::decode(bytes);
  SB_FUZZ_CHECK(back.has_value());
  SB_FUZZ_CHECK(back->type == f->type && back->message_type == f->message_type);
  SB_FUZZ_CHECK(vp::id_string(back->from) == vp::id_string(f->from));
  SB_FUZZ_CHECK(vp::id_string(back->to) == vp::id_string(f->to));
  SB_FUZZ_CHECK(sb::msgpack::encode(back->payload.value_or(sb::msgpack::value{})) ==
                sb::msgpack::encode(payload));
}
