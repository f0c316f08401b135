#include "protocols/native/adapter.hpp"

#include <fmt/format.h>

#include <caf/send.hpp>
#include "protocols/native/ptt_codec.hpp"

#include "actors/ptt/ptt_atoms.hpp"
#include "actors/runtime/atoms.hpp"
#include "actors/runtime/clock.hpp"
#include "actors/runtime/error_metrics.hpp"

namespace sb::native {

adapter::adapter(caf::actor session, ws::outbound_ptr out, uint64_t max_message_bytes,
                 rate_limiter* limiter, uint32_t messages_per_min)
    : session_(std::move(session)),
      out_(std::move(out)),
      max_message_bytes_(max_message_bytes),
      limiter_(limiter),
      messages_per_min_(messages_per_min) {}

void adapter::reply_error(std::string_view id, errc code, std::string_view message) {
  count_error(code);
  out_->send(ws::text_frame(encode_error(id, code, message)));
}

void adapter::on_message(ws::opcode op, std::string payload) {
  if (op != ws::opcode::text) {
    // Binary frames carry audio; they are paced by the floor, not by the message limit.
    auto audio = decode_audio(payload);
    if (!audio) {
      return reply_error({}, errc::bad_request, "binary frames must be audio frames (0x01)");
    }
    auto route = audio->emergency                           ? audio_route::emergency
                 : audio->type == ptt::channel_type::direct ? audio_route::direct
                                                            : audio_route::group;
    caf::anon_send(session_, audio_atom::value, route, std::move(audio->target),
                   std::make_shared<const std::string>(std::move(audio->opus)));
    return;
  }
  auto decoded = decode(payload);
  if (auto* failure = std::get_if<decode_failure>(&decoded)) {
    return reply_error(failure->id, failure->code, failure->detail);
  }
  if (limiter_ && messages_per_min_ > 0) {
    auto d = limiter_->hit(out_->id(), messages_per_min_, now_us());
    if (!d.allowed) {
      auto id = std::visit([](const auto& r) { return r.id; }, std::get<request>(decoded));
      return reply_error(id, errc::too_many_requests,
                         fmt::format("more than {} messages per minute; retry in {} s",
                                     messages_per_min_, d.reset_s));
    }
  }
  caf::anon_send(session_, inbound_atom::value, std::move(std::get<request>(decoded)));
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
