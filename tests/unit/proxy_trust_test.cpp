#include <catch2/catch.hpp>

#include <stdexcept>

#include "config/ground/proxy_trust.hpp"

using sb::proxy_trust;

TEST_CASE("without TRUST_PROXY nothing forwarded is believed", "[proxy]") {
  for (const char* setting : {"", "false", "0"}) {
    auto t = proxy_trust::parse(setting);
    CHECK_FALSE(t.enabled());
    CHECK(t.client_address("10.0.0.2", "203.0.113.5") == "10.0.0.2");
    CHECK_FALSE(t.trusts_peer("10.0.0.2"));
  }
}

TEST_CASE("TRUST_PROXY as Express reads it: true, hops, addresses and blocks", "[proxy]") {
  const char* chain = "203.0.113.5, 198.51.100.7, 10.0.0.3";  // client, outer proxy, inner
  CHECK(proxy_trust::parse("true").client_address("10.0.0.2", chain) == "203.0.113.5");
  CHECK(proxy_trust::parse("1").client_address("10.0.0.2", chain) == "10.0.0.3");
  CHECK(proxy_trust::parse("2").client_address("10.0.0.2", chain) == "198.51.100.7");
  CHECK(proxy_trust::parse("9").client_address("10.0.0.2", chain) == "203.0.113.5");
  // A list: trusted hops are walked past; the first untrusted one is the client.
  auto list = proxy_trust::parse("10.0.0.0/8, 198.51.100.7");
  CHECK(list.client_address("10.0.0.2", chain) == "203.0.113.5");
  CHECK(list.client_address("192.0.2.1", chain) == "192.0.2.1");  // peer not a proxy of ours
  CHECK(proxy_trust::parse("10.0.0.0/8").client_address("10.0.0.2", chain) == "198.51.100.7");
  CHECK(list.trusts_peer("10.9.8.7"));
  CHECK_FALSE(list.trusts_peer("11.0.0.1"));
  // IPv6 blocks, and IPv4 peers written as IPv4-mapped IPv6.
  auto v6 = proxy_trust::parse("fd00::/8, 127.0.0.1");
  CHECK(v6.client_address("fd12::1", "2001:db8::7") == "2001:db8::7");
  CHECK(v6.client_address("::ffff:127.0.0.1", "192.0.2.9") == "192.0.2.9");
  // A forged or broken entry ends the walk at the hop that sent it.
  CHECK(list.client_address("10.0.0.2", "evil, 10.0.0.3") == "10.0.0.3");
  CHECK(list.client_address("10.0.0.2", "") == "10.0.0.2");
}

TEST_CASE("a bad TRUST_PROXY is refused", "[proxy]") {
  for (const char* bad : {"yes please", "10.0.0.0/33", "::/129", "10.0.0.1/", "10.0.0.1,,x"}) {
    INFO(bad);
    CHECK_THROWS_AS(proxy_trust::parse(bad), std::invalid_argument);
  }
}
