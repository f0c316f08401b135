#include "protocols/engineio/packet.hpp"

#include "config/ground/crypto.hpp"

namespace sb::engineio {

std::optional<packet> decode_text(std::string_view text) {
  if (text.empty() || text[0] < '0' || text[0] > '6') return std::nullopt;
  return packet{static_cast<packet_type>(text[0]), std::string(text.substr(1)), false};
}

std::optional<std::vector<packet>> decode_payload(std::string_view body) {
  std::vector<packet> out;
  while (true) {
    auto end = body.find(record_separator);
    auto piece = body.substr(0, end);
    if (!piece.empty() && piece[0] == 'b') {
      auto bytes = crypto::base64_decode(piece.substr(1));
      if (!bytes) return std::nullopt;
      out.push_back(packet{packet_type::message, std::move(*bytes), true});
    } else {
      auto p = decode_text(piece);
      if (!p) return std::nullopt;
      out.push_back(std::move(*p));
    }
    if (end == std::string_view::npos) return out;
    body.remove_prefix(end + 1);
  }
}

std::string encode_polling(const packet& p) {
  if (p.binary) return "b" + crypto::base64_encode(p.data);
  std::string out;
  out.reserve(p.data.size() + 1);
  out.push_back(static_cast<char>(p.type));
  out += p.data;
  return out;
}

}  // namespace sb::engineio
