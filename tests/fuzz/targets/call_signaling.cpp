// Call signaling in the native envelope (protocols/native/call_codec) and the ICE candidate
// check (protocols/calls/call_json): SDP and candidates go out to the peer exactly as taken.
#include <boost/json.hpp>

#include "protocols/calls/call_json.hpp"
#include "protocols/native/call_codec.hpp"
#include "protocols/native/codec.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

namespace json = boost::json;
using sb::calls::call_action;

constexpr size_t kMaxTargetBytes = 64;  // call ids, user ids, extensions

/// The event relayed to a peer parses back to what the request carried.
void check_relay(const sb::native::call_request& r) {
  SB_FUZZ_CHECK(!r.call_id.empty() && r.call_id.size() <= kMaxTargetBytes);
  SB_FUZZ_CHECK(r.to.size() <= kMaxTargetBytes);
  if (r.action == call_action::offer || r.action == call_action::answer_sdp) {
    SB_FUZZ_CHECK(!r.payload.empty());
    auto event = json::parse(sb::native::encode_call_sdp(r.action, r.call_id, "u1", r.payload));
    SB_FUZZ_CHECK(event.at("sdp").as_string() == r.payload);
    SB_FUZZ_CHECK(event.at("call_id").as_string() == r.call_id);
  }
  if (r.action == call_action::ice) {
    // The candidate was re-serialised by the check: checking it again changes nothing.
    auto candidate = json::parse(r.payload);
    SB_FUZZ_CHECK(sb::calls::candidate_json(candidate) == r.payload);
    auto event = json::parse(sb::native::encode_call_ice(r.call_id, "u1", r.payload));
    SB_FUZZ_CHECK(json::serialize(event.at("candidate")) == r.payload);
  }
  if (r.action == call_action::media) {
    SB_FUZZ_CHECK(r.audio || r.video);
    auto event = json::parse(sb::native::encode_call_media(r.call_id, "u1", r.audio.value_or(false),
                                                           r.video.value_or(false)));
    SB_FUZZ_CHECK(event.at("type").as_string() == "call.media");
  }
}

}  // namespace

SB_FUZZ_TARGET(call_signaling) {
  auto decoded = sb::native::decode(sb::fuzz::as_text(data, size));
  auto* req = std::get_if<sb::native::request>(&decoded);
  if (!req) return;
  if (auto* r = std::get_if<sb::native::call_request>(req)) check_relay(*r);
  if (auto* inv = std::get_if<sb::native::call_invite>(req)) {
    SB_FUZZ_CHECK(!inv->callees.empty());
    for (const auto& c : inv->callees) SB_FUZZ_CHECK(!c.empty() && c.size() <= kMaxTargetBytes);
    SB_FUZZ_CHECK(inv->media == "audio" || inv->media == "video");
    SB_FUZZ_CHECK(!inv->sdp || !inv->sdp->empty());
  }
}
