// The native JSON envelope (protocols/native/codec): every text message of /ws.
#include <boost/json.hpp>

#include "protocols/native/codec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(native_envelope) {
  auto decoded = sb::native::decode(sb::fuzz::as_text(data, size));
  if (auto* failure = std::get_if<sb::native::decode_failure>(&decoded)) {
    // The error echoes the request id (kept as JSON): a string of up to 128 bytes or an
    // integer, and the answer is valid JSON.
    boost::json::error_code ec;
    if (!failure->id.empty()) {
      auto id = boost::json::parse(failure->id, ec);
      SB_FUZZ_CHECK(!ec && (id.is_int64() || id.is_uint64() ||
                            (id.is_string() && id.as_string().size() <= 128)));
    }
    auto answer = boost::json::parse(
        sb::native::encode_error(failure->id, failure->code, failure->detail), ec);
    SB_FUZZ_CHECK(!ec && answer.is_object());
  }
}
