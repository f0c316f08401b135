// Socket.IO packets (protocols/socketio/packet): a packet decodes or is refused; one that
// decodes has a payload of the shape its type allows, an ack id JavaScript holds exactly and
// no more attachments than the bound; it re-encodes to a text that decodes to the same packet
// and encodes to the same text again.
#include <string>

#include "protocols/socketio/packet.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace sb::socketio;

SB_FUZZ_TARGET(socketio_packet) {
  auto p = decode(sb::fuzz::as_text(data, size));
  if (!p) return;
  SB_FUZZ_CHECK(p->attachments <= max_attachments);
  SB_FUZZ_CHECK(!p->id || *p->id <= (uint64_t{1} << 53));
  SB_FUZZ_CHECK(!p->nsp.empty() && p->nsp[0] == '/' && p->nsp.find(',') == std::string::npos);
  bool binary = p->type == packet_type::binary_event || p->type == packet_type::binary_ack;
  SB_FUZZ_CHECK(binary || p->attachments == 0);
  if (p->type == packet_type::event || p->type == packet_type::binary_event) {
    SB_FUZZ_CHECK(p->data && p->data->is_array() && !p->data->as_array().empty());
  }
  if (p->type == packet_type::disconnect) SB_FUZZ_CHECK(!p->data);
  auto text = encode(*p);
  auto again = decode(text);
  SB_FUZZ_CHECK(again);
  SB_FUZZ_CHECK(again->type == p->type && again->nsp == p->nsp && again->id == p->id &&
                again->attachments == p->attachments && again->data == p->data);
  SB_FUZZ_CHECK(encode(*again) == text);
}
