#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "tests/integration/ptt_fixture.hpp"

using namespace sb::test;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::string base64url_decode(std::string_view in) {
  static const std::string alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    auto v = alphabet.find(c);
    if (v == std::string::npos) break;
    bits = (bits << 6) | static_cast<uint32_t>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out += static_cast<char>((bits >> count) & 0xff);
    }
  }
  return out;
}

json::object jwt_part(const std::string& token, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  auto end = token.find('.', start);
  return json::parse(base64url_decode(std::string_view(token).substr(start, end - start)))
      .as_object();
}

json::object problem_of(const http_reply& r) {
  CHECK(r.header("content-type") == "application/problem+json");
  return r.json().as_object();
}

std::string string_at(const json::object& o, std::string_view key) {
  return std::string(o.at(key).as_string());
}

}  // namespace

TEST_CASE("events, teams and channels keep the seed's shapes, and limits hold", "[ptt][control]") {
  ptt_fixture f;
  auto port = f.server.port();
  auto e = call(port, "POST", "/api/events", f.admin,
                json::object{{"name", "Marathon"},
                             {"requiresApproval", false},
                             {"limits", json::object{{"maxTeams", 1},
                                                     {"maxChannelsPerTeam", 1},
                                                     {"maxUsers", 2},
                                                     {"maxDispatch", 1}}}});
  REQUIRE(e.status == 201);
  auto event = e.json().as_object();
  CHECK(event.at("name") == "Marathon");
  CHECK(event.at("requiresApproval") == false);
  CHECK(event.at("limits").at("maxTeams") == 1);
  CHECK(event.at("limits").at("maxChannels") == 200);  // the seed's default, merged
  CHECK(event.at("createdById").is_string());
  CHECK(event.at("createdAt").is_string());
  auto id = string_at(event, "id");

  auto t =
      call(port, "POST", "/api/events/" + id + "/teams", f.admin, json::object{{"name", "Medics"}});
  REQUIRE(t.status == 201);
  auto team = t.json().as_object();
  CHECK(team.at("eventId").as_string() == id);
  CHECK(team.at("sortOrder") == 0);
  auto second =
      call(port, "POST", "/api/events/" + id + "/teams", f.admin, json::object{{"name", "More"}});
  CHECK(second.status == 400);
  CHECK(problem_of(second).at("code") == "limit_reached");
  CHECK(problem_of(second).at("detail") == "Team limit reached");

  auto team_id = string_at(team, "id");
  auto c = call(port, "POST", "/api/teams/" + team_id + "/channels", f.admin,
                json::object{{"name", "Medics 1"}});
  REQUIRE(c.status == 201);
  CHECK(c.json().at("type") == "TEAM");
  CHECK(c.json().at("teamId").as_string() == team_id);
  auto over = call(port, "POST", "/api/teams/" + team_id + "/channels", f.admin,
                   json::object{{"name", "Medics 2"}});
  CHECK(problem_of(over).at("detail") == "Team channel limit reached");
  auto admin_channel = call(port, "POST", "/api/events/" + id + "/channels", f.admin,
                            json::object{{"name", "Command"}});
  REQUIRE(admin_channel.status == 201);
  CHECK(admin_channel.json().at("type") == "EVENT_ADMIN");
  CHECK(admin_channel.json().at("teamId").is_null());

  auto listed = call(port, "GET", "/api/events/" + id + "/channels", f.admin).json().as_array();
  REQUIRE(listed.size() == 2);
  std::set<std::string> team_names;
  for (const auto& ch : listed) {
    team_names.insert(ch.at("teamName").is_null() ? "-"
                                                  : std::string(ch.at("teamName").as_string()));
  }
  CHECK(team_names == std::set<std::string>{"-", "Medics"});

  // PATCH merges new limits over the old ones.
  auto patched = call(port, "PATCH", "/api/events/" + id, f.admin,
                      json::object{{"limits", json::object{{"maxTeams", 2}}}});
  REQUIRE(patched.status == 200);
  CHECK(patched.json().at("limits").at("maxTeams") == 2);
  CHECK(call(port, "POST", "/api/events/" + id + "/teams", f.admin, json::object{{"name", "More"}})
            .status == 201);

  // Membership limits: two users, one dispatcher.
  auto add = [&](const std::string& email, const std::string& role) {
    auto user = create_user(port, f.admin,
                            {{"email", email},
                             {"firstName", "F"},
                             {"lastName", "L"},
                             {"role", "user"},
                             {"password", "a-long-enough-passphrase"}});
    return call(port, "POST", "/api/events/" + id + "/users", f.admin,
                json::object{{"userId", user}, {"role", role}});
  };
  auto d1 = add("d1@ptt.test", "DISPATCH");
  CHECK(d1.status == 200);
  CHECK(d1.json().at("status") == "ACTIVE");
  CHECK(problem_of(add("d2@ptt.test", "DISPATCH")).at("detail") == "Dispatch limit reached");
  CHECK(add("u1@ptt.test", "USER").status == 200);
  CHECK(problem_of(add("u2@ptt.test", "USER")).at("detail") == "User limit reached");

  // Bad input names the field.
  auto nameless = call(port, "POST", "/api/events", f.admin, json::object{{"limits", 3}});
  CHECK(nameless.status == 400);
  CHECK(problem_of(nameless).at("code") == "bad_request");
  auto unknown = call(port, "POST", "/api/events/" + id + "/users", f.admin,
                      json::object{{"userId", "x"}, {"role", "KING"}});
  CHECK(unknown.status == 400);

  // Every mutation is audited.
  auto audit = call(port, "GET", "/api/v1/audit-logs?limit=200", f.admin).json();
  std::multiset<std::string> actions;
  for (const auto& entry : audit.at("data").as_array()) {
    actions.insert(std::string(entry.at("action").as_string()));
  }
  for (const auto* action : {"event_created", "event_updated", "team_created", "channel_created",
                             "admin_channel_created", "event_user_assigned"}) {
    CHECK(actions.count(action) > 0);
  }
}

TEST_CASE("administrators create events; dispatchers manage theirs; users only read",
          "[ptt][control]") {
  ptt_fixture f;
  auto port = f.server.port();
  f.member("dispatch@ptt.test", "DISPATCH");
  f.member("user@ptt.test", "USER");
  auto dispatcher = f.token_of("dispatch@ptt.test");
  auto user = f.token_of("user@ptt.test");

  CHECK(call(port, "POST", "/api/events", dispatcher, json::object{{"name", "x"}}).status == 403);
  CHECK(call(port, "POST", "/api/events/" + f.event + "/teams", user, json::object{{"name", "x"}})
            .status == 403);
  CHECK(call(port, "GET", "/api/events/" + f.event + "/overview", user).status == 403);
  CHECK(call(port, "GET", "/api/events/" + f.event + "/traffic", user).status == 403);
  CHECK(call(port, "POST", "/api/events/" + f.event + "/teams", dispatcher,
             json::object{{"name", "Dispatch-made"}})
            .status == 201);
  CHECK(call(port, "GET", "/api/events/" + f.event + "/overview", dispatcher).status == 200);

  // A user sees their events and their channels only.
  call(port, "POST", "/api/events", f.admin, json::object{{"name", "Someone else's"}});
  auto events = call(port, "GET", "/api/events", user).json().as_array();
  REQUIRE(events.size() == 1);
  CHECK(events[0].at("id").as_string() == f.event);
  CHECK(call(port, "GET", "/api/events", f.admin).json().as_array().size() == 2);
  auto other = f.new_channel("Not for users");
  auto mine = call(port, "GET", "/api/events/" + f.event + "/channels", user).json().as_array();
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].at("id").as_string() == f.channel);
  CHECK(mine[0].at("teamName") == "Stage crew");
  (void)other;
  CHECK(call(port, "GET", "/api/events", "").status == 401);
}

TEST_CASE("approval: pending members hear nothing and get no router token until approved",
          "[ptt][control]") {
  ptt_fixture f(env_map{{"ROUTER_JWT_SECRET", "router-secret-for-tests-0123456789abcdef"}});
  auto port = f.server.port();
  auto gated = call(port, "PATCH", "/api/events/" + f.event, f.admin,
                    json::object{{"requiresApproval", true}});
  REQUIRE(gated.status == 200);
  auto pending = f.member("pending@ptt.test");
  auto token = f.token_of("pending@ptt.test");
  auto session = f.connect("pending@ptt.test", 0);

  auto overview = call(port, "GET", "/api/events/" + f.event + "/overview", f.admin).json();
  CHECK(overview.at("pendingCount") == 1);
  CHECK(overview.at("roster").at(0).at("status") == "PENDING");
  auto refused = call(port, "POST", "/api/router/token", token, json::object{{"eventId", f.event}});
  CHECK(refused.status == 403);
  CHECK(problem_of(refused).at("detail") == "Not active in event");
  CHECK(start_talking(*session, f.channel).at("reason") == "not_member");

  auto approved =
      call(port, "PATCH", "/api/events/" + f.event + "/users/" + pending + "/approve", f.admin);
  REQUIRE(approved.status == 200);
  CHECK(approved.json().at("status") == "ACTIVE");
  // The live session joins at once, without reconnecting.
  CHECK(next_of(*session, "channel.joined").at("channel").as_string() == f.channel);

  auto minted = call(port, "POST", "/api/router/token", token, json::object{{"eventId", f.event}});
  REQUIRE(minted.status == 200);
  auto jwt = string_at(minted.json().as_object(), "token");
  CHECK(jwt_part(jwt, 0).at("alg") == "HS256");
  auto claims = jwt_part(jwt, 1);
  CHECK(claims.at("userId").as_string() == pending);
  CHECK(claims.at("eventId").as_string() == f.event);
  CHECK(claims.at("role") == "USER");
  CHECK(claims.at("channelIds") == json::array{json::value(f.channel)});
  CHECK(claims.at("exp").as_int64() - claims.at("iat").as_int64() == 12 * 3600);

  auto rejected =
      call(port, "PATCH", "/api/events/" + f.event + "/users/" + pending + "/reject", f.admin);
  CHECK(rejected.json().at("status") == "REJECTED");
  CHECK(next_of(*session, "channel.left").at("channel").as_string() == f.channel);
  CHECK(call(port, "POST", "/api/router/token", token, json::object{{"eventId", f.event}}).status ==
        403);
}

TEST_CASE("an invite adds its default channels until it is used up", "[ptt][control]") {
  ptt_fixture f;
  auto port = f.server.port();
  auto invite = call(
      port, "POST", "/api/events/" + f.event + "/invites", f.admin,
      json::object{
          {"teamId", f.team}, {"channelIds", json::array{json::value(f.channel)}}, {"maxUses", 1}});
  REQUIRE(invite.status == 200);
  auto code = string_at(invite.json().as_object(), "token");
  CHECK(code.size() == 32);
  CHECK(invite.json().at("expiresAt").is_string());

  auto join_as = [&](const std::string& email) {
    create_user(port, f.admin,
                {{"email", email},
                 {"firstName", "F"},
                 {"lastName", "L"},
                 {"role", "user"},
                 {"password", "a-long-enough-passphrase"}});
    auto token = f.token_of(email);
    return std::make_pair(call(port, "POST", "/api/invites/" + code + "/join", token), token);
  };
  auto [joined, token] = join_as("guest@ptt.test");
  REQUIRE(joined.status == 200);
  CHECK(joined.json().at("status") == "ACTIVE");
  auto channels = call(port, "GET", "/api/events/" + f.event + "/channels", token).json();
  REQUIRE(channels.as_array().size() == 1);
  CHECK(channels.at(0).at("id").as_string() == f.channel);

  auto [late, late_token] = join_as("late@ptt.test");
  CHECK(late.status == 400);
  CHECK(problem_of(late).at("code") == "invite_invalid");
  CHECK(problem_of(late).at("detail") == "Invite used up");
  CHECK(call(port, "POST", "/api/invites/" + std::string(32, '0') + "/join", late_token).status ==
        404);
  CHECK(call(port, "POST", "/api/events/" + f.event + "/invites", f.admin,
             json::object{{"expiresInMinutes", 0}})
            .status == 400);
}

TEST_CASE("traffic and the overview are read from the live talk groups", "[ptt][control]") {
  ptt_fixture f;
  auto port = f.server.port();
  auto [a_id, b_id] = f.members("a@ptt.test", "b@ptt.test");
  auto a = f.connect("a@ptt.test");
  auto traffic_of = [&] {
    auto t = call(port, "GET", "/api/events/" + f.event + "/traffic", f.admin).json();
    CHECK(t.at("evaluatedAt").is_string());
    return t.at("channels").at(0).as_object();
  };
  auto quiet = traffic_of();
  CHECK(quiet.at("channelId").as_string() == f.channel);
  CHECK(quiet.at("active") == false);
  CHECK(quiet.at("audioTime").is_null());

  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  a->send_binary(audio_frame(f.channel, "frame"));
  std::this_thread::sleep_for(100ms);
  auto busy = traffic_of();
  CHECK(busy.at("active") == true);
  CHECK(busy.at("fromId").as_string() == a_id);
  CHECK(busy.at("audioTime").is_string());

  auto overview = call(port, "GET", "/api/events/" + f.event + "/overview", f.admin).json();
  CHECK(overview.at("statuses").at("users").at(a_id) == "ONLINE");
  CHECK(overview.at("statuses").at("users").at(b_id) == "OFFLINE");
  CHECK(overview.at("statuses").at("channels").at(f.channel) == "ACTIVE");
  CHECK(overview.at("statuses").at("teams").at(f.team) == "ACTIVE");
  CHECK(overview.at("channelMemberCounts").at(f.channel) == 2);
  CHECK(overview.at("roster").as_array().size() == 2);
  CHECK(overview.at("event").at("id").as_string() == f.event);

  stop_talking(*a, f.channel);
  auto after = traffic_of();
  CHECK(after.at("active") == false);
  CHECK(after.at("fromId").as_string() == a_id);  // the last talker
}

TEST_CASE("another tenant's events, channels and recordings do not exist for it",
          "[ptt][control][tenancy]") {
  ptt_fixture f;
  auto port = f.server.port();
  auto a_id = f.member("a@ptt.test");
  auto a = f.connect("a@ptt.test");
  REQUIRE(start_talking(*a, f.channel).at("type") == "ptt.granted");
  a->send_binary(audio_frame(f.channel, "secret audio"));
  auto message_id = string_at(stop_talking(*a, f.channel), "message_id");

  auto b = call(port, "POST", "/api/v1/tenants", f.admin, json::object{{"name", "Tenant B"}});
  REQUIRE(b.status == 201);
  auto tenant_b = std::string(data_of(b).at("id").as_string());
  create_user(port, f.admin,
              {{"email", "boss@b.test"},
               {"firstName", "B"},
               {"lastName", "B"},
               {"role", "admin"},
               {"password", "a-long-enough-passphrase"}},
              "?tenantId=" + tenant_b);
  auto other = login(port, "boss@b.test", "a-long-enough-passphrase");

  CHECK(call(port, "GET", "/api/events", other).json().as_array().empty());
  auto event = "/api/events/" + f.event;
  CHECK(call(port, "GET", event + "/channels", other).status == 404);
  CHECK(call(port, "GET", event + "/overview", other).status == 404);
  CHECK(call(port, "GET", event + "/traffic", other).status == 404);
  CHECK(call(port, "PATCH", event, other, json::object{{"name", "pwned"}}).status == 404);
  CHECK(call(port, "POST", event + "/teams", other, json::object{{"name", "x"}}).status == 404);
  CHECK(call(port, "POST", "/api/teams/" + f.team + "/channels", other, json::object{{"name", "x"}})
            .status == 404);
  CHECK(call(port, "POST", event + "/users", other, json::object{{"userId", a_id}}).status == 404);
  CHECK(call(port, "PATCH", event + "/users/" + a_id + "/approve", other).status == 404);
  CHECK(call(port, "PATCH", event + "/users/" + a_id + "/channels", other,
             json::object{{"channelIds", json::array{}}})
            .status == 404);
  CHECK(call(port, "POST", event + "/invites", other).status == 404);
  CHECK(call(port, "POST", "/api/router/token", other, json::object{{"eventId", f.event}}).status ==
        404);
  CHECK(call(port, "GET", "/files/audio/" + message_id, other).status == 404);
  CHECK(call(port, "GET", "/files/audio/" + message_id, f.admin).body == "secret audio");
  CHECK(call(port, "GET", "/files/audio/" + message_id, "").status == 401);
}
