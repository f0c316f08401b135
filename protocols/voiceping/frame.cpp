#include "protocols/voiceping/frame.hpp"

#include <fmt/format.h>

namespace sb::voiceping {

std::optional<frame> decode(std::string_view bytes) {
  auto v = msgpack::decode(bytes);
  const auto* items = v ? v->items() : nullptr;
  if (!items || items->size() < 3) return std::nullopt;
  const auto& a = *items;
  auto ct = a[0].integer();
  auto mt = a[1].integer();
  if (!ct || (*ct != 0 && *ct != 1) || !mt) return std::nullopt;
  frame f;
  f.type = static_cast<channel>(*ct);
  f.message_type = *mt;
  f.from = a[2];
  f.to = a.size() > 3 && a[3].truthy() ? a[3] : msgpack::value(int64_t{0});
  if (a.size() >= 6) {
    f.message_id = a[4];
    f.payload = a[5];
  } else if (a.size() == 5) {
    f.payload = a[4];
  }
  return f;
}

std::string encode(channel type, message_type mt, const msgpack::value& from,
                   const msgpack::value& to, const msgpack::value& payload,
                   const std::optional<msgpack::value>& message_id) {
  std::string out;
  out.push_back(static_cast<char>(message_id ? 0x96 : 0x95));
  msgpack::encode(int64_t{static_cast<uint8_t>(type)}, out);
  msgpack::encode(static_cast<int64_t>(mt), out);
  msgpack::encode(from, out);
  msgpack::encode(to, out);
  if (message_id) msgpack::encode(*message_id, out);
  msgpack::encode(payload, out);
  return out;
}

std::string id_string(const msgpack::value& id) {
  if (const auto* s = id.string()) return *s;
  if (auto i = id.integer()) return std::to_string(*i);
  if (const auto* u = std::get_if<uint64_t>(&id.v)) return std::to_string(*u);
  return {};
}

std::string start_ack_text(const std::optional<msgpack::value>& payload) {
  if (!payload || !payload->truthy()) return "Acknowledged";
  if (const auto* s = payload->string()) return *s;
  if (const auto* b = std::get_if<bool>(&payload->v)) return *b ? "true" : "false";
  if (const auto* d = std::get_if<double>(&payload->v)) return fmt::format("{}", *d);
  auto id = id_string(*payload);
  return id.empty() ? "Acknowledged" : id;
}

}  // namespace sb::voiceping
