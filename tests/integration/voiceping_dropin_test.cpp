// The VoicePing drop-in router mode against a running node: router tokens minted by a foreign
// issuer (as the original router's own tests mint them: HS256, numeric uid and channelIds, no
// exp) provision users and channels, and frames carry the issuer's ids back in the types it
// gave (docs/protocol.md, "Drop-in router mode").
#include <catch2/catch.hpp>

#include <csignal>
#include <thread>

#include "protocols/auth/jwt.hpp"
#include "tests/integration/voiceping_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

const std::string kIssuerSecret = "voiceping2359staging";

env_map dropin_env() {
  return {{"VOICEPING_DROPIN_TENANT", "Radio Acme"},
          {"ROUTER_JWT_SECRET", kIssuerSecret},
          {"LEGACY_JOIN_ENABLED", "true"}};
}

std::string foreign_token(const json::object& claims) {
  return sb::jwt::sign_hs256(claims, kIssuerSecret);
}

std::unique_ptr<ws_client> foreign_client(ptt_fixture& f, const std::string& token,
                                          const std::string& device, const std::string& me) {
  auto c = vp_connect(f, {{"token", token}, {"device_id", device}});
  sync_as(*c, me);
  return c;
}

/// Asks for the floor of `group` until the answer is `type` (the membership a USER_ADD or
/// USER_REMOVE changed reaches the session's talk groups just after it is committed); a granted
/// floor is given back.
void floor_answer_becomes(ws_client& c, const std::string& me, const std::string& group, int type) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    c.send_binary(mp::arr({G, mp::uint(1), me, group, mp::uint(1)}));
    auto answer = next_frame(c);
    int got = static_cast<uint8_t>(answer[2]);
    if (got == 27) next_frame(c);  // Ack Failed follows Unauthorized Group
    if (got == 6) {
      c.send_binary(mp::arr({G, mp::uint(2), me, group}));
      next_of_type(c, G, 7);
    }
    if (got == type) return;
    std::this_thread::sleep_for(20ms);
  }
  FAIL("the floor answer never became " << type);
}

}  // namespace

TEST_CASE("drop-in mode: a foreign issuer's users talk in groups and privately by its own ids",
          "[ptt][voiceping][dropin]") {
  ptt_fixture f(dropin_env());
  const auto U1 = mp::uint(1), U2 = mp::uint(2), G18 = mp::uint(18), OPS = mp::str("ops");
  const auto clock = mp::uint(1700000000000);
  auto a = foreign_client(f, foreign_token({{"uid", 1}, {"channelIds", {18}}}), "dev-a", U1);
  auto b =
      foreign_client(f, foreign_token({{"userId", 2}, {"channelIds", {18, "ops"}}}), "dev-b", U2);

  // A group by the issuer's numeric id: the replies and the forwards keep the numbers.
  a->send_binary(mp::arr({G, mp::uint(1), U1, G18, clock}));
  CHECK(next_frame(*a) == mp::arr({G, mp::uint(6), U1, G18, mp::str("1700000000000")}));
  CHECK(next_frame(*b) == mp::arr({G, mp::uint(1), U1, G18, clock}));
  a->send_binary(mp::arr({G, mp::uint(3), U1, G18, mp::bin("opus")}));
  CHECK(next_frame(*b) == mp::arr({G, mp::uint(3), U1, G18, mp::bin("opus")}));
  b->send_binary(mp::arr({G, mp::uint(1), U2, G18, mp::uint(5)}));
  CHECK(next_frame(*b) == mp::arr({G, mp::uint(8), U2, G18, mp::str("Busy")}));
  a->send_binary(mp::arr({G, mp::uint(2), U1, G18}));
  auto id = acked_id(next_frame(*a), "\x96" + G + mp::uint(7) + U1 + G18);
  auto stop_json = R"({"duration":)" + duration_of(id) + R"(,"message_id":")" + id + R"("})";
  CHECK(next_frame(*b) == mp::arr({G, mp::uint(2), U1, G18, mp::str(stop_json)}));

  // A channel the issuer named by a string: only b's token listed it.
  b->send_binary(mp::arr({G, mp::uint(1), U2, OPS, mp::uint(9)}));
  CHECK(next_frame(*b) == mp::arr({G, mp::uint(6), U2, OPS, mp::str("9")}));
  b->send_binary(mp::arr({G, mp::uint(2), U2, OPS}));
  next_of_type(*b, G, 7);
  a->send_binary(mp::arr({G, mp::uint(1), U1, OPS, mp::uint(9)}));
  CHECK(next_frame(*a) == mp::arr({G, mp::uint(27), U1, OPS, mp::str("Unauthorized Group")}));
  CHECK(next_frame(*a) == mp::arr({G, mp::uint(8), U1, OPS, mp::str("Ack Failed")}));

  // A private call to the issuer's user id.
  a->send_binary(mp::arr({P, mp::uint(1), U1, U2, mp::uint(42)}));
  CHECK(next_frame(*a) == mp::arr({P, mp::uint(6), U1, U2, mp::uint(42)}));
  CHECK(next_frame(*b) == mp::arr({P, mp::uint(1), U1, U2, mp::uint(42)}));
  a->send_binary(mp::arr({P, mp::uint(3), U1, U2, mp::bin("psst")}));
  CHECK(next_frame(*b) == mp::arr({P, mp::uint(3), U1, U2, mp::bin("psst")}));
  a->send_binary(mp::arr({P, mp::uint(2), U1, U2}));
  auto private_id = acked_id(next_frame(*a), "\x96" + P + mp::uint(7) + U1 + U2);
  CHECK(next_frame(*b).substr(0, 4 + U1.size() + U2.size()) ==
        "\x95" + P + mp::uint(2) + U1 + U2 + "\xd9");
  a->send_binary(mp::arr({P, mp::uint(1), U1, mp::uint(77), mp::uint(1)}));  // nobody
  CHECK(next_frame(*a) ==
        mp::arr({P, mp::uint(8), U1, mp::uint(77), mp::str("Recipient unknown")}));

  // The recording downloads with the foreign token, as from the original router.
  auto file = http_request(f.server.voiceping_port(), "GET", "/files/audio/" + private_id, {},
                           {{"token", foreign_token({{"uid", 2}})}});
  CHECK(file.status == 200);
  CHECK(file.body == "psst");

  // The SDK's legacy join ("<company>_<user>", no channel list): USER_ADD and USER_REMOVE
  // change its channels, a channel unknown so far included.
  const auto C = mp::str("acme_3");
  auto c = vp_connect(f, {{"VoicePingToken", "acme_3"}, {"DeviceId", "dev-c"}});
  sync_as(*c, C);
  floor_answer_becomes(*c, C, G18, 27);
  c->send_binary(mp::arr({G, mp::uint(15), C, G18}));
  floor_answer_becomes(*c, C, G18, 6);
  a->send_binary(mp::arr({G, mp::uint(1), U1, G18, clock}));
  next_frame(*a);
  CHECK(next_of_type(*c, G, 1) == mp::arr({G, mp::uint(1), U1, G18, clock}));
  a->send_binary(mp::arr({G, mp::uint(2), U1, G18}));
  next_frame(*a);
  c->send_binary(mp::arr({G, mp::uint(15), C, mp::str("acme_12")}));
  floor_answer_becomes(*c, C, mp::str("acme_12"), 6);
  c->send_binary(mp::arr({G, mp::uint(16), C, G18}));
  floor_answer_becomes(*c, C, G18, 27);

  // Confined to its tenant: the console's tenant has none of the provisioned users, and its
  // own VoicePing users keep our ids.
  auto users = call(f.server.port(), "GET", "/api/v1/users?limit=100", f.admin);
  INFO(users.body);
  REQUIRE(users.status == 200);
  CHECK(users.body.find("voiceping.invalid") == std::string::npos);
  auto ours = f.member("ours@vp.test");
  auto vo = vp_user(f, "ours@vp.test", ours);
  vo->send_binary(mp::arr({G, mp::uint(1), mp::str(ours), mp::str(f.channel), mp::uint(3)}));
  CHECK(next_frame(*vo) ==
        mp::arr({G, mp::uint(6), mp::str(ours), mp::str(f.channel), mp::str("3")}));

  // After a restart the links are read back: the same numbers on the wire.
  a.reset();
  b.reset();
  c.reset();
  f.server.restart(SIGTERM);
  auto b2 = foreign_client(f, foreign_token({{"uid", 2}}), "dev-b", U2);
  auto a2 = foreign_client(f, foreign_token({{"uid", 1}}), "dev-a", U1);
  a2->send_binary(mp::arr({G, mp::uint(1), U1, G18, mp::uint(4)}));
  CHECK(next_frame(*a2) == mp::arr({G, mp::uint(6), U1, G18, mp::str("4")}));
  CHECK(next_frame(*b2) == mp::arr({G, mp::uint(1), U1, G18, mp::uint(4)}));
}

TEST_CASE("without the drop-in mode a foreign issuer's tokens are refused",
          "[ptt][voiceping][dropin]") {
  ptt_fixture f(env_map{{"ROUTER_JWT_SECRET", kIssuerSecret}});
  auto upgrade = [&](const std::string& token) {
    return raw_exchange(f.server.voiceping_port(),
                        "GET /x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: "
                        "websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        "dGhlIHNhbXBsZSBub25jZQ==\r\ntoken: " +
                            token + "\r\n\r\n",
                        2s);
  };
  // No exp: refused outright; with one, the user is nobody Switchboard knows.
  CHECK(upgrade(foreign_token({{"uid", 1}, {"channelIds", {18}}})).starts_with("HTTP/1.1 401"));
  auto exp = std::chrono::duration_cast<std::chrono::seconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count() +
             600;
  CHECK(upgrade(foreign_token({{"uid", 1}, {"channelIds", {18}}, {"exp", exp}}))
            .starts_with("HTTP/1.1 401"));
}

TEST_CASE("the drop-in mode needs the issuer's secret", "[ptt][voiceping][dropin]") {
  auto r = run_switchboard({}, {{"VOICEPING_DROPIN_TENANT", "Radio Acme"}});
  CHECK(r.exit_code == 2);
  CHECK(r.output.find("set ROUTER_JWT_SECRET (or SECRET_KEY)") != std::string::npos);
}
