// The VoicePing MessagePack decoder (protocols/voiceping/msgpack). MessagePack has several
// encodings of one value, so bytes need not survive a round trip; a value must: encoding what
// was decoded and decoding it again gives the same encoding.
#include "protocols/voiceping/msgpack.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(voiceping_msgpack) {
  auto value = sb::msgpack::decode(sb::fuzz::as_text(data, size));
  if (!value) return;
  auto once = sb::msgpack::encode(*value);
  auto again = sb::msgpack::decode(once);
  SB_FUZZ_CHECK(again.has_value());
  SB_FUZZ_CHECK(sb::msgpack::encode(*again) == once);
}
