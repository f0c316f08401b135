#include "protocols/ws/frame.hpp"

namespace sb::ws {

std::string encode_frame(opcode op, std::string_view payload, bool fin) {
  std::string out;
  uint64_t len = payload.size();
  out.reserve(payload.size() + 10);
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | static_cast<uint8_t>(op)));
  if (len < 126) {
    out.push_back(static_cast<char>(len));
  } else if (len <= 0xFFFF) {
    out.push_back(static_cast<char>(126));
    out.push_back(static_cast<char>((len >> 8) & 0xFF));
    out.push_back(static_cast<char>(len & 0xFF));
  } else {
    out.push_back(static_cast<char>(127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((len >> shift) & 0xFF));
    }
  }
  out.append(payload);
  return out;
}

frame_ptr make_frame(opcode op, std::string_view payload) {
  return std::make_shared<const std::string>(encode_frame(op, payload));
}

frame_ptr close_frame(uint16_t code, std::string_view reason) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  reason = reason.substr(0, 123);
  // Do not cut a multi-byte character in half.
  while (!reason.empty() && !is_valid_utf8(reason)) reason.remove_suffix(1);
  payload.append(reason);
  return make_frame(opcode::close, payload);
}

std::string_view frame_payload(std::string_view frame) {
  if (frame.size() < 2) return {};
  auto len7 = static_cast<unsigned char>(frame[1]) & 0x7F;
  size_t header = len7 == 126 ? 4 : len7 == 127 ? 10 : 2;
  if (frame.size() < header) return {};
  return frame.substr(header);
}

bool is_valid_close_code(uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  switch (code) {
    case 1000:
    case 1001:
    case 1002:
    case 1003:
    case 1007:
    case 1008:
    case 1009:
    case 1010:
    case 1011:
      return true;
    default:
      return false;
  }
}

}  // namespace sb::ws
