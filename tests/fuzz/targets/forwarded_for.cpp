// X-Forwarded-For and TRUST_PROXY (config/ground/proxy_trust): a setting parses or is refused
// with invalid_argument; the client address is the peer itself or one of the entries the peer
// forwarded, and an IP address whenever the peer's is; an untrusted peer is never looked past.
// Input: the setting, a newline, the peer, a newline, the header.
#include <stdexcept>
#include <string>

#include "config/ground/proxy_trust.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(forwarded_for) {
  auto text = sb::fuzz::as_text(data, size);
  auto first = text.find('\n');
  if (first == std::string_view::npos) return;
  auto second = text.find('\n', first + 1);
  if (second == std::string_view::npos) return;
  auto setting = text.substr(0, first);
  auto peer = text.substr(first + 1, second - first - 1);
  auto header = text.substr(second + 1);
  sb::proxy_trust trust;
  try {
    trust = sb::proxy_trust::parse(setting);
  } catch (const std::invalid_argument&) {
    return;
  }
  auto client = trust.client_address(peer, header);
  if (!trust.trusts_peer(peer)) SB_FUZZ_CHECK(client == peer);
  if (client != peer) {
    SB_FUZZ_CHECK(header.find(client) != std::string_view::npos);
    SB_FUZZ_CHECK(sb::parse_ip(client).has_value());
  }
  if (sb::parse_ip(peer)) SB_FUZZ_CHECK(sb::parse_ip(client).has_value());
}
