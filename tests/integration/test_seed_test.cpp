// The VoicePing control plane's test seed (TEST_SEED_*, /api/admin/test-seed) against a running
// node: planted at start, listed, removed with live listeners told, planted again.
#include <catch2/catch.hpp>

#include "tests/integration/ptt_fixture.hpp"

using namespace sb::test;
namespace json = boost::json;

namespace {

env_map seed_env() {
  return {{"TEST_SEED_ENABLED", "true"},
          {"TEST_SEED_EVENT_NAME", "Drill"},
          {"TEST_SEED_TEAM_NAME", "Blue"},
          {"TEST_SEED_CHANNEL_NAME", "Blue 1"}};
}

json::object seed_of(ptt_fixture& f) {
  auto r = call(f.server.port(), "GET", "/api/admin/test-seed", f.admin);
  REQUIRE(r.status == 200);
  return r.json().as_object();
}

}  // namespace

TEST_CASE("the test seed is planted at start, removed with its listeners told, and planted again",
          "[ptt][test_seed]") {
  ptt_fixture f(seed_env());
  auto seed = seed_of(f);
  CHECK(seed.at("enabled") == true);
  CHECK(seed.at("seeded") == true);
  CHECK(seed.at("event").at("name") == "Drill");
  CHECK(seed.at("team").at("name") == "Blue");
  CHECK(seed.at("channel").at("name") == "Blue 1");
  auto event = std::string(seed.at("event").at("id").as_string());
  auto channel = std::string(seed.at("channel").at("id").as_string());

  // It is an event like any other: a member hears its channel.
  auto u = f.outsider("u@seed.test");
  REQUIRE(call(f.server.port(), "POST", "/api/events/" + event + "/users", f.admin,
               json::object{{"userId", u}, {"role", "USER"}, {"channelIds", {channel}}})
              .status == 200);
  auto live = f.connect("u@seed.test", 1);

  // Planting again changes nothing.
  auto again = call(f.server.port(), "POST", "/api/admin/test-seed", f.admin, json::object{});
  CHECK(again.status == 200);
  CHECK(again.json().at("channel").at("id").as_string() == channel);

  // Removed: the event is gone, and the live member has left its channel.
  auto removed = call(f.server.port(), "DELETE", "/api/admin/test-seed", f.admin);
  CHECK(removed.status == 200);
  CHECK(next_of(*live, "channel.left").at("channel").as_string() == channel);
  CHECK(call(f.server.port(), "GET", "/api/events/" + event + "/channels", f.admin).status == 404);
  auto gone = seed_of(f);
  CHECK(gone.at("seeded") == false);
  CHECK(gone.at("event").is_null());
  CHECK(call(f.server.port(), "DELETE", "/api/admin/test-seed", f.admin).status == 404);

  // Planted again: new ids, 201.
  auto planted = call(f.server.port(), "POST", "/api/admin/test-seed", f.admin, json::object{});
  CHECK(planted.status == 201);
  CHECK(planted.json().at("channel").at("name") == "Blue 1");
  CHECK(planted.json().at("event").at("id").as_string() != event);

  // Administrators only.
  f.outsider("plain@seed.test");
  CHECK(
      call(f.server.port(), "GET", "/api/admin/test-seed", f.token_of("plain@seed.test")).status ==
      403);
}

TEST_CASE("without TEST_SEED_ENABLED nothing is planted and POST is refused", "[ptt][test_seed]") {
  ptt_fixture f;
  auto seed = seed_of(f);
  CHECK(seed.at("enabled") == false);
  CHECK(seed.at("seeded") == false);
  auto r = call(f.server.port(), "POST", "/api/admin/test-seed", f.admin, json::object{});
  CHECK(r.status == 503);
  CHECK(r.json().at("code") == "not_configured");
}
