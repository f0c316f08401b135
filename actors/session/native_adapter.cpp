#include "actors/session/native_adapter.hpp"

#include <fmt/format.h>

#include <caf/send.hpp>
#include "protocols/native/ptt_codec.hpp"

#include "actors/ptt/ptt_messages.hpp"
#include "actors/runtime/atoms.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/error_metrics.hpp"

namespace sb::native {

adapter::adapter(session_actor session, ws::outbound_ptr out, uint64_t max_message_bytes,
                 ws::message_budget budget)
    : session_(std::move(session)),
      out_(std::move(out)),
      max_message_bytes_(max_message_bytes),
      budget_(std::move(budget)) {}

void adapter::reply_error(std::string_view id, errc code, std::string_view message) {
  count_error(code);
  out_->send(ws::text_frame(encode_error(id, code, message)));
}

bool adapter::within_budget(std::string_view id) {
  auto d = budget_.hit();
  if (d.allowed) return true;
  reply_error(id, errc::too_many_requests,
              fmt::format("more than {} messages per minute; retry in {} s", d.limit, d.reset_s));
  return false;
}

void adapter::on_message(ws::opcode op, std::string payload) {
  if (op != ws::opcode::text) {
    // Audio frames are paced by the floor and the audio limits, not by the message budget;
    // anything else binary counts against it like a malformed text message.
    auto audio = decode_audio(payload);
    if (!audio) {
      if (!within_budget({})) return;
      return reply_error({}, errc::bad_request, "binary frames must be audio frames (0x01)");
    }
    auto route = audio->emergency                           ? audio_route::emergency
                 : audio->type == ptt::channel_type::direct ? audio_route::direct
                                                            : audio_route::group;
    caf::anon_send(session_, audio_atom::value, route, std::move(audio->target),
                   shared_bytes{std::make_shared<const std::string>(std::move(audio->opus))});
    return;
  }
  auto decoded = decode(payload);
  if (auto* failure = std::get_if<decode_failure>(&decoded)) {
    if (!within_budget(failure->id)) return;
    return reply_error(failure->id, failure->code, failure->detail);
  }
  auto& req = std::get<request>(decoded);
  if (!within_budget(std::visit([](const auto& r) { return std::string_view(r.id); }, req))) {
    return;
  }
  caf::anon_send(session_, inbound_atom::value, std::move(req));
}

void adapter::on_oversized(ws::opcode, uint64_t size) {
  reply_error(
      {}, errc::frame_too_large,
      fmt::format("message of {} bytes exceeds the limit of {} bytes", size, max_message_bytes_));
}

void adapter::on_closed(uint16_t code) {
  caf::anon_send(session_, closed_atom::value, code);
}

}  // namespace sb::native
