// A call between users on different cluster members: the call rings the callee's devices on
// every member, the answer, SDP, ICE and media changes cross to the right device only, and a
// member that restarts meanwhile leaves the calls other members run alone. Tagged [pg_only]:
// a cluster needs PostgreSQL.

#include <catch2/catch.hpp>

#include <soci/soci.h>

#include "tests/integration/call_fixture.hpp"
#include "tests/integration/cluster_fixture.hpp"
#include "tests/support/auth.hpp"

using namespace sb::test;
using namespace std::chrono_literals;

namespace {

const std::string kSdp = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n";

/// A device of `email` on member `node`, registered once a ping is answered.
std::unique_ptr<ws_client> device_on(three_nodes& c, size_t node, const std::string& email) {
  ws_client::options o;
  o.headers = bearer(login(c[node].server->port(), email, "a-long-enough-passphrase"));
  auto d = std::make_unique<ws_client>(c[node].server->port(), o);
  d->send_text(R"({"type":"ping","id":"ready"})");
  next_call_message(*d, "pong");
  return d;
}

std::string user_on(three_nodes& c, const std::string& admin, const std::string& email,
                    const std::string& extension) {
  return create_user(c[0].server->port(), admin,
                     {{"email", email},
                      {"firstName", "F"},
                      {"lastName", "L"},
                      {"extension", extension},
                      {"role", "user"},
                      {"password", "a-long-enough-passphrase"}});
}

}  // namespace

TEST_CASE(
    "a call between members: rings everywhere, signaling crosses to the right device, "
    "another member's restart leaves it alone",
    "[cluster][calls][pg_only]") {
  three_nodes c;
  REQUIRE(c.meshed(5s));
  auto admin = admin_token(*c[0].server);
  auto alice = user_on(c, admin, "alice@cluster.test", "101");
  auto bob = user_on(c, admin, "bob@cluster.test", "102");
  auto a = device_on(c, 0, "alice@cluster.test");
  auto b_beta = device_on(c, 1, "bob@cluster.test");
  auto b_gamma = device_on(c, 2, "bob@cluster.test");

  auto placed = call_fixture::invite(*a, "102");
  auto id = str(placed.at("id"));
  CHECK(placed.at("state") == "ringing");
  for (auto* dev : {b_beta.get(), b_gamma.get()}) {
    CHECK(next_call_message(*dev, "call.incoming").at("call_id") == jv(id));
  }
  auto answered = call_fixture::act(*b_gamma, "call.answer", id);
  REQUIRE(answered.at("type") == "call.ok");
  CHECK(answered.at("call").at("state") == "active");
  CHECK(next_call_message(*b_beta, "call.answered_elsewhere").at("call_id") == jv(id));
  CHECK(next_call_message(*a, "call.participant_joined").at("participant").at("user_id") ==
        jv(bob));

  REQUIRE(call_fixture::act(*a, "call.offer", id, {{"sdp", kSdp}}).at("type") == "call.ok");
  CHECK(next_call_message(*b_gamma, "call.offer").at("sdp") == jv(kSdp));
  REQUIRE(call_fixture::act(*b_gamma, "call.answer_sdp", id, {{"sdp", kSdp + "a=answer\r\n"}})
              .at("type") == "call.ok");
  CHECK(next_call_message(*a, "call.answer_sdp").at("sdp") == jv(kSdp + "a=answer\r\n"));
  CHECK(stays_quiet(*b_beta));  // the device that did not answer hears none of it

  // Beta restarts: it closes only the calls it ran itself, not this one.
  b_beta.reset();
  c.restart(1);
  REQUIRE(c.meshed(8s));
  std::string stored;
  *c.db().connect() << "SELECT state FROM call_sessions WHERE id = :c", soci::use(id),
      soci::into(stored);
  CHECK(stored == "active");
  auto muted = call_fixture::act(*a, "call.media", id, {{"audio", false}});
  REQUIRE(muted.at("type") == "call.ok");
  CHECK(muted.at("call").at("state") == "active");
  CHECK(next_call_message(*b_gamma, "call.media").at("from") == jv(alice));

  auto ended = call_fixture::act(*b_gamma, "call.end", id);
  REQUIRE(ended.at("type") == "call.ok");
  CHECK(next_call_message(*a, "call.ended").at("by") == jv(bob));
  auto status = call(c[1].server->port(), "GET", "/api/calls/" + id + "/status",
                     login(c[1].server->port(), "alice@cluster.test", "a-long-enough-passphrase"));
  REQUIRE(status.status == 200);
  CHECK(status.json().at("data").at("state") == "ended");
}
