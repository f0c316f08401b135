// A talk group whose members are connected to three cluster members: one member owns the
// group, the others reach it through their relays (one message per event and member, however
// many listeners a member has); when the owner is killed, a survivor takes the group over with
// an idle floor and the survivors' listeners hear each other again without reconnecting.
// Tagged [pg_only]: a cluster needs PostgreSQL.

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <csignal>

#include "tests/integration/api_calls.hpp"
#include "tests/integration/cluster_fixture.hpp"
#include "tests/integration/ptt_fixture.hpp"
#include "tests/support/auth.hpp"
#include "tests/support/ws_client.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

constexpr const char* kPassword = "a-long-enough-passphrase";

/// One event with one channel, set up through alpha.
struct talk_setup {
  explicit talk_setup(three_nodes& c) : port(c[0].server->port()) {
    admin = admin_token(*c[0].server);
    auto e = call(port, "POST", "/api/events", admin, json::object{{"name", "Harbour"}});
    REQUIRE(e.status == 201);
    event = std::string(e.json().at("id").as_string());
    auto t = call(port, "POST", "/api/events/" + event + "/teams", admin,
                  json::object{{"name", "Pilots"}});
    REQUIRE(t.status == 201);
    auto ch =
        call(port, "POST", "/api/teams/" + std::string(t.json().at("id").as_string()) + "/channels",
             admin, json::object{{"name", "Quay"}});
    REQUIRE(ch.status == 201);
    channel = std::string(ch.json().at("id").as_string());
  }

  /// A user of the event who hears the channel; returns the id.
  std::string member(const std::string& email) {
    auto id = create_user(port, admin,
                          {{"email", email},
                           {"firstName", "F"},
                           {"lastName", "L"},
                           {"role", "user"},
                           {"password", kPassword}});
    auto r = call(
        port, "POST", "/api/events/" + event + "/users", admin,
        json::object{
            {"userId", id}, {"role", "USER"}, {"channelIds", json::array{json::value(channel)}}});
    REQUIRE(r.status == 200);
    return id;
  }

  uint16_t port;
  std::string admin, event, channel;
};

/// A user's socket on one member, once its session joined the channel.
struct listener_on {
  size_t node;
  std::string user_id;
  std::unique_ptr<ws_client> socket;
};

listener_on connect_on(three_nodes& c, size_t node, talk_setup& s, const std::string& email) {
  auto id = s.member(email);
  ws_client::options o;
  o.headers = bearer(login(c[node].server->port(), email, kPassword));
  auto socket = std::make_unique<ws_client>(c[node].server->port(), o);
  next_of(*socket, "channel.joined");
  return {node, id, std::move(socket)};
}

/// Three members in a full mesh, the channel set up through alpha, and its people's sockets.
struct talk_cluster {
  three_nodes c;
  talk_setup s{meshed(c)};
  std::vector<listener_on> people;

  static three_nodes& meshed(three_nodes& nodes) {
    REQUIRE(nodes.meshed(5s));
    return nodes;
  }
};

long relayed(three_nodes& c, size_t node) {
  return metric(c[node].server->port(), "sb_cluster_relayed_events_total");
}

/// Takes the floor for `talker` (again: a group that moves releases its floor) and sends
/// `opus` every 100 ms until `hearer` hears it, as a client would while its group moves to
/// another member: true once heard within `within`.
bool heard_within(ws_client& talker, ws_client& hearer, const std::string& channel,
                  const std::string& from, const std::string& opus,
                  std::chrono::milliseconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (start_talking(talker, channel).at("type") != "ptt.granted") continue;
    talker.send_binary(audio_frame(channel, opus));
    if (auto got = next_audio(hearer, 100ms)) return *got == heard(channel, from, opus);
  }
  return false;
}

/// Asks for the floor until it is granted (a group that is moving answers with an error or
/// busy for a moment); the time it took, or nullopt after `within`.
std::optional<std::chrono::milliseconds> floor_within(ws_client& c, const std::string& channel,
                                                      std::chrono::milliseconds within) {
  auto start = std::chrono::steady_clock::now();
  int attempt = 0;
  while (std::chrono::steady_clock::now() - start < within) {
    c.send_text(R"({"type":"ptt.start","id":"f)" + std::to_string(++attempt) + R"(","channel":")" +
                channel + R"("})");
    for (;;) {
      auto m = c.read(2s);
      if (!m) break;
      if (m->empty() || (*m)[0] != '{') continue;
      auto v = json::parse(*m).as_object();
      auto type = v.at("type").as_string();
      if (type == "ptt.granted") {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - start);
      }
      if (type == "ptt.denied" || type == "error") break;
    }
    std::this_thread::sleep_for(100ms);
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("a talk group with members on three nodes: one owner, one relay message per node",
          "[cluster][ptt][pg_only]") {
  talk_cluster t;
  auto& [c, s, people] = t;
  people.push_back(connect_on(c, 0, s, "a@harbour.test"));
  for (int i = 1; i <= 3; ++i) {
    people.push_back(connect_on(c, 1, s, "b" + std::to_string(i) + "@harbour.test"));
  }
  people.push_back(connect_on(c, 2, s, "g@harbour.test"));
  auto& talker = people[0];
  auto& other_node = people[4];

  // One floor for the whole cluster.
  REQUIRE(start_talking(*talker.socket, s.channel).at("type") == "ptt.granted");
  for (size_t i = 1; i < people.size(); ++i) {
    CHECK(next_of(*people[i].socket, "ptt.started").at("from").as_string() == talker.user_id);
  }
  CHECK(start_talking(*other_node.socket, s.channel).at("reason") == "busy");

  std::array<long, 3> before{relayed(c, 0), relayed(c, 1), relayed(c, 2)};
  const int packets = 20;
  for (int i = 0; i < packets; ++i) {
    auto opus = "opus-" + std::to_string(i);
    talker.socket->send_binary(audio_frame(s.channel, opus));
    for (size_t p = 1; p < people.size(); ++p) {
      auto got = next_audio(*people[p].socket);
      REQUIRE(got.has_value());
      CHECK(*got == heard(s.channel, talker.user_id, opus));
    }
  }
  // The owner relays nothing to itself; every other member got each packet once, however
  // many listeners it has (beta has three).
  std::vector<long> deltas;
  for (size_t i = 0; i < 3; ++i) deltas.push_back(relayed(c, i) - before[i]);
  INFO("relayed per node: " << deltas[0] << ", " << deltas[1] << ", " << deltas[2]);
  CHECK(std::count(deltas.begin(), deltas.end(), 0) == 1);
  CHECK(std::count(deltas.begin(), deltas.end(), packets) == 2);

  auto stopped = stop_talking(*talker.socket, s.channel);
  CHECK(!std::string(stopped.at("message_id").as_string()).empty());
  for (size_t i = 1; i < people.size(); ++i) next_of(*people[i].socket, "ptt.ended");

  // A text from beta reaches alpha and gamma, stored once.
  people[1].socket->send_text(R"({"type":"text","id":"t1","channel":")" + s.channel +
                              R"(","text":"tide turns at six"})");
  auto ok = next_of(*people[1].socket, "text.ok");
  for (size_t i : {size_t{0}, size_t{4}}) {
    auto got = next_of(*people[i].socket, "text");
    CHECK(got.at("text") == "tide turns at six");
    CHECK(got.at("message_id") == ok.at("message_id"));
  }
}

TEST_CASE("kill -9 of a talk group's owner: a survivor takes it over with an idle floor",
          "[cluster][ptt][pg_only]") {
  talk_cluster t;
  auto& [c, s, people] = t;
  for (size_t node = 0; node < 3; ++node) {
    people.push_back(connect_on(c, node, s, "p" + std::to_string(node) + "@harbour.test"));
  }
  // Find the owner: the one member that relays nothing while someone talks.
  REQUIRE(start_talking(*people[0].socket, s.channel).at("type") == "ptt.granted");
  std::array<long, 3> before{relayed(c, 0), relayed(c, 1), relayed(c, 2)};
  people[0].socket->send_binary(audio_frame(s.channel, "probe"));
  for (size_t p = 1; p < 3; ++p) REQUIRE(next_audio(*people[p].socket).has_value());
  size_t owner = 3;
  for (size_t i = 0; i < 3; ++i) {
    if (relayed(c, i) == before[i]) owner = i;
  }
  REQUIRE(owner < 3);
  INFO("the owner is " << c[owner].name);
  std::vector<size_t> survivors;
  for (size_t i = 0; i < 3; ++i) {
    if (i != owner) survivors.push_back(i);
  }
  auto& talker = *people[survivors[0]].socket;
  auto& hearer = *people[survivors[1]].socket;

  // Mid-burst (the talker may be the one killed, or not): the owner dies.
  c[owner].server->stop(SIGKILL);
  auto took = floor_within(talker, s.channel, 10s);
  REQUIRE(took.has_value());
  INFO("the floor was granted again " << took->count() << " ms after the kill");
  CHECK(
      heard_within(talker, hearer, s.channel, people[survivors[0]].user_id, "after the storm", 5s));
  // One floor still: the other survivor waits its turn.
  CHECK(start_talking(hearer, s.channel).at("reason") == "busy");

  // The killed member comes back; the group moves only if the hashing says so, and the
  // listeners keep hearing each other either way.
  c.restart(owner);
  REQUIRE(c.meshed(8s));
  stop_talking(talker, s.channel);
  CHECK(heard_within(hearer, talker, s.channel, people[survivors[1]].user_id, "back home", 5s));
}
