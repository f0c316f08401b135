// Socket.IO packets (protocols/socketio/packet): a packet decodes or is refused; one that
// decodes has a payload of the shape its type allows, an ack id JavaScript holds exactly and
// no more attachments than the bound; it re-encodes to a text that decodes to the same packet
// (long numbers within a few ulps: same_json).
#include <algorithm>
#include <cmath>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "protocols/socketio/packet.hpp"
#include "tests/fuzz/fuzz_target.hpp"

using namespace sb::socketio;
namespace json = boost::json;

namespace {

/// Equal JSON, numbers that are doubles within a few units in the last place: Boost.JSON 1.81
/// does not round every long number correctly (a hundred-digit integer read, written in its
/// shortest form and read again may come back one ulp away), and that is the library's, not
/// the packet codec's.
bool same_json(const json::value& a, const json::value& b) {
  if (a.is_double() || b.is_double()) {
    if (!a.is_number() || !b.is_number()) return false;
    double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::abs(x - y) <= 1e-15 * std::max(std::abs(x), std::abs(y));
  }
  if (a.is_array() && b.is_array()) {
    const auto &l = a.as_array(), &r = b.as_array();
    if (l.size() != r.size()) return false;
    for (size_t i = 0; i < l.size(); ++i) {
      if (!same_json(l[i], r[i])) return false;
    }
    return true;
  }
  if (a.is_object() && b.is_object()) {
    const auto &l = a.as_object(), &r = b.as_object();
    if (l.size() != r.size()) return false;
    for (const auto& [k, v] : l) {
      auto it = r.find(k);
      if (it == r.end() || !same_json(v, it->value())) return false;
    }
    return true;
  }
  return a == b;
}

bool same_data(const std::optional<json::value>& a, const std::optional<json::value>& b) {
  return a.has_value() == b.has_value() && (!a || same_json(*a, *b));
}

}  // namespace

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
                again->attachments == p->attachments && same_data(again->data, p->data));
  // Stable from the first encoding on (up to those ulps: then the text may differ in a digit).
  auto third = decode(encode(*again));
  SB_FUZZ_CHECK(third && same_data(third->data, p->data));
}
