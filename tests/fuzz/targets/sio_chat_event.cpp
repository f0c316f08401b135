// The Socket.IO events of the seeds' clients: chat (protocols/chat/sio_chat) and calls
// (protocols/calls/sio_calls). An event's arguments (a JSON array: the name, then the payload)
// decode to a request or are refused with a client error; a decoded chat request names its
// conversation or message within the bounds the decoder promises, its acks are JSON arrays of
// one object; a decoded call event is a call request that passed the native checks.
#include <boost/json.hpp>

#include "protocols/calls/sio_calls.hpp"
#include "protocols/chat/sio_chat.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace sb::chat::sio;

SB_FUZZ_TARGET(sio_chat_event) {
  boost::json::error_code ec;
  auto v = boost::json::parse(sb::fuzz::as_text(data, size), ec);
  if (ec || !v.is_array()) return;
  auto call = sb::calls::sio::decode(v.as_array());
  if (auto* c = std::get_if<sb::calls::sio::call_event>(&call)) {
    if (auto* r = std::get_if<sb::native::call_request>(&c->request)) {
      SB_FUZZ_CHECK(!r->call_id.empty());
    } else {
      SB_FUZZ_CHECK(!std::get<sb::native::call_invite>(c->request).callees.empty());
    }
    return;
  }
  if (auto* no = std::get_if<sb::calls::sio::refusal>(&call)) {
    SB_FUZZ_CHECK(!no->message.empty());
    return;
  }
  auto decoded = decode(v.as_array());
  if (auto* no = std::get_if<failure>(&decoded)) {
    SB_FUZZ_CHECK(no->code == sb::errc::bad_request || no->code == sb::errc::unknown_type);
    SB_FUZZ_CHECK(!no->message.empty());
    auto ack = ack_error(no->code, no->message);
    SB_FUZZ_CHECK(ack.size() == 1 && ack[0].at("ok") == false);
    return;
  }
  std::visit(
      [](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, send_request>) {
          SB_FUZZ_CHECK(!r.to.empty() && r.to.size() <= 64 && !r.content.empty());
          SB_FUZZ_CHECK(!r.client_msg_id ||
                        (!r.client_msg_id->empty() && r.client_msg_id->size() <= 128));
        } else if constexpr (std::is_same_v<T, change_request>) {
          SB_FUZZ_CHECK(!r.message_id.empty() && r.message_id.size() <= 64);
        } else if constexpr (std::is_same_v<T, register_request>) {
          SB_FUZZ_CHECK(!r.user_id || !r.user_id->empty());
        } else if constexpr (std::is_same_v<T, sync_request>) {
          for (const auto& [id, version] : r.since) SB_FUZZ_CHECK(!id.empty() && version >= 0);
        } else if constexpr (!std::is_same_v<T, status_request>) {
          SB_FUZZ_CHECK(!r.to.empty() && r.to.size() <= 64);
        }
      },
      std::get<request>(decoded));
}
