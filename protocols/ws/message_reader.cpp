#include "protocols/ws/message_reader.hpp"

#include <algorithm>

namespace sb::ws {

namespace {

bool is_control(opcode op) {
  return static_cast<uint8_t>(op) & 0x8;
}

bool is_known(uint8_t op) {
  return op <= 0x2 || (op >= 0x8 && op <= 0xA);
}

}  // namespace

void message_reader::fail(uint16_t code, std::string reason, std::vector<inbound_event>& out) {
  failed_ = true;
  out.push_back({inbound_event::kind::error, opcode::close, std::move(reason), code, 0});
}

bool message_reader::parse_header(std::vector<inbound_event>& out) {
  if (header_.size() < 2) return false;
  auto b0 = static_cast<uint8_t>(header_[0]);
  auto b1 = static_cast<uint8_t>(header_[1]);
  size_t ext = (b1 & 0x7F) == 126 ? 2 : (b1 & 0x7F) == 127 ? 8 : 0;
  size_t need = 2 + ext + ((b1 & 0x80) ? 4 : 0);
  if (header_.size() < need) return false;

  if (b0 & 0x70) return fail(close_code::protocol_error, "reserved bits set", out), false;
  if (!is_known(b0 & 0x0F)) return fail(close_code::protocol_error, "unknown opcode", out), false;
  if (!(b1 & 0x80)) {
    return fail(close_code::protocol_error, "client frames must be masked", out), false;
  }
  fin_ = b0 & 0x80;
  op_ = static_cast<opcode>(b0 & 0x0F);
  uint64_t len = b1 & 0x7F;
  if (ext > 0) {
    len = 0;
    for (size_t i = 0; i < ext; ++i) len = (len << 8) | static_cast<uint8_t>(header_[2 + i]);
    if (ext == 8 && (len >> 63)) {
      return fail(close_code::protocol_error, "invalid frame length", out), false;
    }
  }
  for (size_t i = 0; i < 4; ++i) mask_[i] = static_cast<uint8_t>(header_[2 + ext + i]);
  header_.clear();

  if (is_control(op_)) {
    if (!fin_ || len > 125) {
      return fail(close_code::protocol_error, "fragmented or long control frame", out), false;
    }
    control_.clear();
  } else if (op_ == opcode::continuation) {
    if (!in_message_)
      return fail(close_code::protocol_error, "unexpected continuation", out), false;
  } else {
    if (in_message_) return fail(close_code::protocol_error, "expected continuation", out), false;
    in_message_ = true;
    message_op_ = op_;
    message_size_ = 0;
    discarding_ = false;
    message_.clear();
  }
  if (!is_control(op_)) {
    message_size_ += len;
    if (message_size_ > max_message_bytes_ && !discarding_) {
      discarding_ = true;
      message_.clear();
      message_.shrink_to_fit();
    }
  }
  in_payload_ = true;
  remaining_ = len;
  mask_offset_ = 0;
  return true;
}

void message_reader::finish_frame(std::vector<inbound_event>& out) {
  in_payload_ = false;
  if (op_ == opcode::ping) {
    out.push_back({inbound_event::kind::ping, op_, std::move(control_), 0, 0});
  } else if (op_ == opcode::pong) {
    out.push_back({inbound_event::kind::pong, op_, std::move(control_), 0, 0});
  } else if (op_ == opcode::close) {
    if (control_.size() == 1) return fail(close_code::protocol_error, "bad close payload", out);
    uint16_t code = close_code::no_status;
    std::string reason;
    if (control_.size() >= 2) {
      code = static_cast<uint16_t>((static_cast<uint8_t>(control_[0]) << 8) |
                                   static_cast<uint8_t>(control_[1]));
      reason = control_.substr(2);
      if (!is_valid_close_code(code))
        return fail(close_code::protocol_error, "bad close code", out);
      if (!is_valid_utf8(reason)) return fail(close_code::invalid_payload, "bad close reason", out);
    }
    out.push_back({inbound_event::kind::close, op_, std::move(reason), code, 0});
  } else if (fin_) {
    in_message_ = false;
    if (discarding_) {
      out.push_back({inbound_event::kind::oversized, message_op_, {}, 0, message_size_});
    } else if (message_op_ == opcode::text && !is_valid_utf8(message_)) {
      fail(close_code::invalid_payload, "text message is not UTF-8", out);
    } else {
      out.push_back(
          {inbound_event::kind::message, message_op_, std::move(message_), 0, message_size_});
      message_.clear();
    }
  }
}

void message_reader::feed(std::string_view bytes, std::vector<inbound_event>& out) {
  while (!failed_ && (!bytes.empty() || (in_payload_ && remaining_ == 0))) {
    if (!in_payload_) {
      // Headers are at most 14 bytes: copy byte by byte until one is complete.
      header_.push_back(bytes.front());
      bytes.remove_prefix(1);
      if (!parse_header(out)) continue;
      if (remaining_ > 0) continue;
    }
    auto n = static_cast<size_t>(std::min<uint64_t>(remaining_, bytes.size()));
    std::string* sink = is_control(op_) ? &control_ : (discarding_ ? nullptr : &message_);
    if (sink) {
      size_t start = sink->size();
      sink->append(bytes.data(), n);
      for (size_t i = 0; i < n; ++i)
        (*sink)[start + i] ^= static_cast<char>(mask_[(mask_offset_ + i) & 3]);
    }
    mask_offset_ += n;
    remaining_ -= n;
    bytes.remove_prefix(n);
    if (remaining_ == 0) finish_frame(out);
  }
}

}  // namespace sb::ws
