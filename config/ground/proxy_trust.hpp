#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb {

/// Which reverse proxies in front of the node are believed about the client: the TRUST_PROXY
/// setting, as Express reads its `trust proxy`. Without trust, nothing forwarded is believed.
class proxy_trust {
 public:
  /// "" or "false": none. "true": every hop (the client is X-Forwarded-For's first entry). A
  /// number N: the N hops nearest the node. Otherwise a comma-separated list of addresses and
  /// CIDR blocks (IPv4 or IPv6): the hops that are one of them. Throws std::invalid_argument.
  static proxy_trust parse(std::string_view setting);

  /// The client's address: walking back from `peer` (the TCP peer) through X-Forwarded-For's
  /// entries, nearest first, while the hop is trusted. An entry that is not an IP address
  /// ends the walk at the hop that sent it.
  std::string client_address(std::string_view peer, std::string_view forwarded_for) const;

  /// Whether `peer` may say how the client reached it (X-Forwarded-Proto).
  bool trusts_peer(std::string_view peer) const;

  bool enabled() const { return mode_ != mode::none; }

 private:
  enum class mode { none, all, hops, list };
  struct block {
    std::array<uint8_t, 16> address{};  ///< IPv4 as ::ffff:a.b.c.d
    unsigned prefix = 128;
  };
  bool trusted(std::string_view address, size_t hop) const;

  mode mode_ = mode::none;
  size_t hops_ = 0;
  std::vector<block> blocks_;
};

/// `text` as 16 bytes (IPv4 as ::ffff:a.b.c.d), or nullopt when it is not an IP address.
std::optional<std::array<uint8_t, 16>> parse_ip(std::string_view text);

}  // namespace sb
