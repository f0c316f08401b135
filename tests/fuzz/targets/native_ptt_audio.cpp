// The native binary PTT header (protocols/native/ptt_codec): a frame it accepts carries a
// 16-byte target that reads back as the same UUID, and every byte after the header is audio.
#include "protocols/native/ptt_codec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(native_ptt_audio) {
  auto frame = sb::fuzz::as_text(data, size);
  auto audio = sb::native::decode_audio(frame);
  if (!audio) return;
  SB_FUZZ_CHECK(frame.size() >= 18 && audio->opus.size() == frame.size() - 18);
  auto target = sb::native::uuid_bytes(audio->target);
  SB_FUZZ_CHECK(target && *target == frame.substr(2, 16));
}
