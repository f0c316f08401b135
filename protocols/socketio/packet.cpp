#include "protocols/socketio/packet.hpp"

#include "config/ground/json_input.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>

namespace sb::socketio {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Reads a run of digits as a number no larger than `max`.
std::optional<uint64_t> read_number(std::string_view& s, uint64_t max) {
  uint64_t n = 0;
  size_t i = 0;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    n = n * 10 + static_cast<uint64_t>(s[i] - '0');
    if (n > max) return std::nullopt;
  }
  if (i == 0) return std::nullopt;
  s.remove_prefix(i);
  return n;
}

bool payload_fits(packet_type type, const std::optional<boost::json::value>& data) {
  static constexpr std::array<std::string_view, 6> reserved = {
      "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};
  switch (type) {
    case packet_type::connect:
      return !data || data->is_object();
    case packet_type::disconnect:
      return !data;
    case packet_type::connect_error:
      return data && (data->is_string() || data->is_object());
    case packet_type::event:
    case packet_type::binary_event: {
      if (!data || !data->is_array() || data->as_array().empty()) return false;
      const auto& name = data->as_array().front();
      if (name.is_number()) return true;
      if (!name.is_string()) return false;
      std::string_view n = name.as_string();
      for (auto r : reserved) {
        if (n == r) return false;
      }
      return true;
    }
    case packet_type::ack:
    case packet_type::binary_ack:
      return !data || data->is_array();
  }
  return false;
}

}  // namespace

std::optional<packet> decode(std::string_view s) {
  if (s.empty() || s[0] < '0' || s[0] > '6') return std::nullopt;
  packet p;
  p.type = static_cast<packet_type>(s[0]);
  s.remove_prefix(1);
  if (p.type == packet_type::binary_event || p.type == packet_type::binary_ack) {
    auto n = read_number(s, max_attachments);
    if (!n || s.empty() || s[0] != '-') return std::nullopt;
    p.attachments = static_cast<uint32_t>(*n);
    s.remove_prefix(1);
  }
  if (!s.empty() && s[0] == '/') {
    auto comma = s.find(',');
    p.nsp = std::string(s.substr(0, comma));
    s.remove_prefix(comma == std::string_view::npos ? s.size() : comma + 1);
  }
  if (!s.empty() && is_digit(s[0])) {
    // Ack ids are JavaScript numbers: exact up to 2^53.
    p.id = read_number(s, (uint64_t{1} << 53));
    if (!p.id) return std::nullopt;
  }
  if (!s.empty()) {
    boost::system::error_code ec;
    auto value = parse_json(s, ec);
    if (ec) return std::nullopt;
    p.data = std::move(value);
  }
  if (!payload_fits(p.type, p.data)) return std::nullopt;
  return p;
}

std::string encode(const packet& p) {
  std::string out(1, static_cast<char>(p.type));
  if (p.type == packet_type::binary_event || p.type == packet_type::binary_ack) {
    out += std::to_string(p.attachments);
    out.push_back('-');
  }
  if (p.nsp != "/") {
    out += p.nsp;
    out.push_back(',');
  }
  if (p.id) out += std::to_string(*p.id);
  if (p.data) out += boost::json::serialize(*p.data);
  return out;
}

bool is_placeholder(const boost::json::value& v, uint32_t count) {
  const auto* o = v.if_object();
  if (!o || o->size() != 2) return false;
  const auto* flag = o->if_contains("_placeholder");
  const auto* num = o->if_contains("num");
  return flag && flag->is_bool() && flag->get_bool() && num && num->is_int64() &&
         num->get_int64() >= 0 && num->get_int64() < count;
}

}  // namespace sb::socketio
