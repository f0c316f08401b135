// Engine.IO polling payloads (protocols/engineio/packet): a payload decodes or is refused
// whole; one that decodes re-encodes to the same bytes (text packets as sent, binary ones as
// canonical padded base64), and every WebSocket text message decodes as its one packet.
#include <string>

#include "protocols/engineio/packet.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace sb::engineio;

SB_FUZZ_TARGET(engineio_payload) {
  auto body = sb::fuzz::as_text(data, size);
  auto packets = decode_payload(body);
  if (!packets) return;
  SB_FUZZ_CHECK(!packets->empty());
  std::string again;
  for (const auto& p : *packets) {
    if (!again.empty()) again.push_back(record_separator);
    auto text = encode_polling(p);
    if (!p.binary) {
      SB_FUZZ_CHECK(text.find(record_separator) == std::string::npos);
      auto single = decode_text(text);
      SB_FUZZ_CHECK(single && *single == p);
    }
    again += text;
  }
  SB_FUZZ_CHECK(again == body);
}
