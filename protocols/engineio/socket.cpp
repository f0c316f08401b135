#include "protocols/engineio/socket.hpp"

#include "config/ground/crypto.hpp"

namespace sb::engineio {

std::shared_ptr<const message> message::text(std::string_view data) {
  auto m = std::make_shared<message>();
  m->polling.reserve(data.size() + 1);
  m->polling.push_back('4');
  m->polling += data;
  m->frame = ws::text_frame(m->polling);
  return m;
}

std::shared_ptr<const message> message::binary(std::string_view bytes) {
  auto m = std::make_shared<message>();
  m->polling = "b" + crypto::base64_encode(bytes);
  m->frame = ws::make_frame(ws::opcode::binary, bytes);
  return m;
}

}  // namespace sb::engineio
