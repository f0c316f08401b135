// The WebSocket reader (protocols/ws/message_reader): what holds for any bytes from a client.
#include <vector>

#include "protocols/ws/message_reader.hpp"
#include "tests/fuzz/fuzz_target.hpp"

namespace {

constexpr uint64_t kLimit = 4096;  // ws.max_message_bytes, small so that the fuzzer reaches it

std::vector<sb::ws::inbound_event> read(std::string_view bytes, size_t split) {
  sb::ws::message_reader reader(kLimit);
  std::vector<sb::ws::inbound_event> out;
  reader.feed(bytes.substr(0, split), out);
  reader.feed(bytes.substr(split), out);
  return out;
}

}  // namespace

SB_FUZZ_TARGET(ws_message_reader) {
  if (size == 0) return;
  // The first byte says where TCP split the stream: the reader must not care.
  auto bytes = sb::fuzz::as_text(data + 1, size - 1);
  auto whole = read(bytes, bytes.size());
  auto split = read(bytes, data[0] % (bytes.size() + 1));
  SB_FUZZ_CHECK(whole.size() == split.size());
  for (size_t i = 0; i < whole.size(); ++i) {
    SB_FUZZ_CHECK(whole[i].what == split[i].what && whole[i].payload == split[i].payload &&
                  whole[i].code == split[i].code);
  }
  bool failed = false;
  for (const auto& e : whole) {
    using kind = sb::ws::inbound_event::kind;
    SB_FUZZ_CHECK(!failed);  // nothing after a protocol error
    if (e.what == kind::error) failed = true;
    if (e.what == kind::message) {
      SB_FUZZ_CHECK(e.payload.size() <= kLimit);
      if (e.op == sb::ws::opcode::text) SB_FUZZ_CHECK(sb::is_valid_utf8(e.payload));
    }
    if (e.what == kind::ping || e.what == kind::pong || e.what == kind::close) {
      SB_FUZZ_CHECK(e.payload.size() <= 125);  // RFC 6455 5.5: control frames are short
    }
    if (e.what == kind::close) SB_FUZZ_CHECK(sb::is_valid_utf8(e.payload));
  }
}
