// Matrix users on the call endpoints (seed 003): their access tokens are checked with an
// in-project homeserver's whoami (cached), mapped to Switchboard users (provisioned in
// MATRIX_USERS_TENANT), and a call for a room is open only to the room's joined members.

#include <atomic>
#include <map>

#include "tests/integration/call_fixture.hpp"
#include "tests/support/fake_http_server.hpp"

namespace sb::test {

namespace {

const std::string kRoom = "!ops:matrix.test";

/// A homeserver that knows three tokens; alice and bob are in kRoom, eve is not.
struct homeserver {
  std::atomic<int> whoami_calls{0};
  std::map<std::string, std::string> users{{"Bearer tok-alice", "@alice:matrix.test"},
                                           {"Bearer tok-bob", "@bob:matrix.test"},
                                           {"Bearer tok-eve", "@eve:matrix.test"}};
  fake_http_server server{[this](const fake_http_server::request& r) -> fake_http_server::reply {
    auto user = users.find(r.authorization);
    if (user == users.end()) {
      return {401, R"({"errcode":"M_UNKNOWN_TOKEN","error":"Unknown access token"})"};
    }
    if (r.target == "/_matrix/client/v3/account/whoami") {
      ++whoami_calls;
      return {200, R"({"user_id":")" + user->second + R"(","device_id":"D1","is_guest":false})"};
    }
    if (r.target == "/_matrix/client/v3/rooms/%21ops%3Amatrix.test/joined_members") {
      if (user->second == "@eve:matrix.test") {
        return {403, R"({"errcode":"M_FORBIDDEN","error":"not in the room"})"};
      }
      return {200, R"({"joined":{"@alice:matrix.test":{"display_name":"Alice"},)"
                   R"("@bob:matrix.test":{}}})"};
    }
    return {404, R"({"errcode":"M_UNRECOGNIZED"})"};
  }};
};

std::unique_ptr<ws_client> matrix_device(call_fixture& f, const std::string& token) {
  ws_client::options o;
  o.headers = bearer(token);
  auto c = std::make_unique<ws_client>(f.server.port(), o);
  c->send_text(R"({"type":"ping","id":"ready"})");
  next_call_message(*c, "pong");
  return c;
}

http_reply post(call_fixture& f, const std::string& token, const std::string& path,
                const boost::json::value& body = nullptr) {
  return call(f.server.port(), "POST", path, token, body);
}

}  // namespace

TEST_CASE("Matrix users call each other in a room they are joined to", "[calls][matrix]") {
  homeserver hs;
  call_fixture f(env_map{{"MATRIX_HOMESERVER_URL", hs.server.url()},
                         {"MATRIX_AUTH_ENABLED", "true"},
                         {"MATRIX_USERS_TENANT", "Matrix users"}});
  // Bob connects his signaling socket with his Matrix token: he becomes a user.
  auto bob = matrix_device(f, "tok-bob");

  auto placed = post(f, "tok-alice", "/api/calls/initiate",
                     object{{"roomId", kRoom}, {"userId", "@bob:matrix.test"}});
  INFO(placed.body);
  REQUIRE(placed.status == 201);
  auto id = str(data_of(placed).at("id"));
  auto ring = next_call_message(*bob, "call.incoming");
  CHECK(str(ring.at("call_id")) == id);
  CHECK(ring.at("from").at("name") == jv("alice"));  // the Matrix id's localpart
  CHECK(post(f, "tok-bob", "/api/calls/" + id + "/answer").status == 200);
  CHECK(post(f, "tok-alice", "/api/calls/" + id + "/end").status == 200);

  // Neither eve nor a call to her gets into the room.
  expect_problem(post(f, "tok-eve", "/api/calls/initiate",
                      object{{"roomId", kRoom}, {"userId", "@bob:matrix.test"}}),
                 403, "forbidden");
  auto eve = matrix_device(f, "tok-eve");
  auto to_eve = post(f, "tok-alice", "/api/calls/initiate",
                     object{{"roomId", kRoom}, {"userId", "@eve:matrix.test"}});
  expect_problem(to_eve, 403, "forbidden");
  CHECK(to_eve.json().at("detail") ==
        jv("@eve:matrix.test is not a joined member of the room " + kRoom));
  CHECK(stays_quiet(*eve));

  // Each token was checked with the homeserver once, then trusted from the cache.
  CHECK(hs.whoami_calls == 3);

  // A token the homeserver does not know, and none at all.
  expect_problem(post(f, "tok-mallory", "/api/calls/initiate", object{{"userId", "@bob:m.test"}}),
                 401, "unauthorized");
  // A Matrix token is for the call endpoints only.
  CHECK(call(f.server.port(), "GET", "/api/v1/users", "tok-alice").status == 401);
  // Switchboard's own users keep their tokens.
  CHECK(
      call(f.server.port(), "GET", "/api/calls/ice-servers", f.token("alice@calls.test")).status ==
      200);
}

TEST_CASE("Matrix tokens are refused where no user may be made for them or the mode is off",
          "[calls][matrix]") {
  homeserver hs;
  SECTION("no MATRIX_USERS_TENANT: only Matrix ids linked to a user") {
    call_fixture f(
        env_map{{"MATRIX_HOMESERVER_URL", hs.server.url()}, {"MATRIX_AUTH_ENABLED", "true"}});
    expect_problem(call(f.server.port(), "GET", "/api/calls/ice-servers", "tok-alice"), 401,
                   "unauthorized");
    CHECK(hs.whoami_calls == 1);
  }
  SECTION("MATRIX_AUTH_ENABLED off: the homeserver is never asked") {
    call_fixture f(env_map{{"MATRIX_HOMESERVER_URL", hs.server.url()}});
    expect_problem(call(f.server.port(), "GET", "/api/calls/ice-servers", "tok-alice"), 401,
                   "unauthorized");
    CHECK(hs.whoami_calls == 0);
  }
}

}  // namespace sb::test
