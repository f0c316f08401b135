#include "config/ground/proxy_trust.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace sb {

namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The comma-separated entries of `list`, trimmed, in order.
std::vector<std::string_view> entries(std::string_view list) {
  std::vector<std::string_view> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    out.push_back(trimmed(list.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

bool in_block(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& net,
              unsigned prefix) {
  for (unsigned bit = 0; bit < prefix; bit += 8) {
    unsigned bits = std::min(8u, prefix - bit);
    auto mask = static_cast<uint8_t>(0xFF << (8 - bits));
    if ((a[bit / 8] & mask) != (net[bit / 8] & mask)) return false;
  }
  return true;
}

}  // namespace

std::optional<std::array<uint8_t, 16>> parse_ip(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  std::array<uint8_t, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, buf, &v4) == 1) {
    out[10] = out[11] = 0xFF;
    std::memcpy(out.data() + 12, &v4, 4);
    return out;
  }
  if (inet_pton(AF_INET6, buf, out.data()) == 1) return out;
  return std::nullopt;
}

proxy_trust proxy_trust::parse(std::string_view setting) {
  proxy_trust t;
  setting = trimmed(setting);
  if (setting.empty() || setting == "false") return t;
  if (setting == "true") {
    t.mode_ = mode::all;
    return t;
  }
  size_t hops = 0;
  auto [ptr, ec] = std::from_chars(setting.data(), setting.data() + setting.size(), hops);
  if (ec == std::errc{} && ptr == setting.data() + setting.size()) {
    if (hops > 0) {
      t.mode_ = mode::hops;
      t.hops_ = hops;
    }
    return t;
  }
  t.mode_ = mode::list;
  for (auto entry : entries(setting)) {
    auto slash = entry.find('/');
    auto address = parse_ip(entry.substr(0, slash));
    if (!address) {
      throw std::invalid_argument(
          "expected true, false, a number of hops or addresses and CIDR "
          "blocks separated by commas, got '" +
          std::string(entry) + "'");
    }
    bool v4 = entry.substr(0, slash).find(':') == std::string_view::npos;
    unsigned prefix = 128;
    if (slash != std::string_view::npos) {
      auto bits = entry.substr(slash + 1);
      unsigned n = 0;
      auto [p, e] = std::from_chars(bits.data(), bits.data() + bits.size(), n);
      if (bits.empty() || e != std::errc{} || p != bits.data() + bits.size() ||
          n > (v4 ? 32 : 128)) {
        throw std::invalid_argument("bad CIDR prefix in '" + std::string(entry) + "'");
      }
      prefix = v4 ? 96 + n : n;
    }
    t.blocks_.push_back({*address, prefix});
  }
  return t;
}

bool proxy_trust::trusted(std::string_view address, size_t hop) const {
  switch (mode_) {
    case mode::none:
      return false;
    case mode::all:
      return true;
    case mode::hops:
      return hop < hops_;
    case mode::list: {
      auto a = parse_ip(address);
      if (!a) return false;
      for (const auto& b : blocks_) {
        if (in_block(*a, b.address, b.prefix)) return true;
      }
      return false;
    }
  }
  return false;
}

bool proxy_trust::trusts_peer(std::string_view peer) const {
  return trusted(peer, 0);
}

std::string proxy_trust::client_address(std::string_view peer,
                                        std::string_view forwarded_for) const {
  if (!trusted(peer, 0) || forwarded_for.empty()) return std::string(peer);
  auto hops = entries(forwarded_for);
  std::string_view client = peer;
  // hops.back() is what the peer says its own client was; each trusted hop vouches for the next.
  for (size_t i = 0; i < hops.size(); ++i) {
    auto hop = hops[hops.size() - 1 - i];
    if (!parse_ip(hop)) break;  // garbage: the last hop we believe is the client
    client = hop;
    if (!trusted(hop, i + 1)) break;
  }
  return std::string(client);
}

}  // namespace sb
