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
  } else if (auto* sub = std::get_if<sb::native::presence_subscribe_request>(
                 &std::get<sb::native::request>(decoded))) {
    // A subscription names 1 to kMaxPresenceIds ids of 1-64 bytes; its answer is valid JSON.
    SB_FUZZ_CHECK(!sub->user_ids.empty() && sub->user_ids.size() <= sb::native::kMaxPresenceIds);
    for (const auto& id : sub->user_ids) SB_FUZZ_CHECK(!id.empty() && id.size() <= 64);
    boost::json::error_code ec;
    boost::json::parse(sb::native::encode_presence_subscribed(sub->id, sub->user_ids), ec);
    SB_FUZZ_CHECK(!ec);
  }
}
