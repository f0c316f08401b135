#pragma once

// A VoicePing client's side of the wire for integration tests: connecting to the VoicePing
// listener, reading frames, and the reply shapes of the original router (docs/protocol.md).
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "tests/integration/ptt_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/msgpack_writer.hpp"

namespace sb::test {

using namespace std::chrono_literals;

inline const std::string G = mp::uint(0);  // channel types
inline const std::string P = mp::uint(1);

inline std::string router_token(ptt_fixture& f, const std::string& email) {
  auto r = call(f.server.port(), "POST", "/api/router/token", f.token_of(email),
                boost::json::object{{"eventId", f.event}});
  REQUIRE(r.status == 200);
  return std::string(r.json().at("token").as_string());
}

inline std::unique_ptr<ws_client> vp_connect(ptt_fixture& f,
                                             std::map<std::string, std::string> headers) {
  ws_client::options o;
  o.target = "/any/path";  // every path upgrades
  o.headers = std::move(headers);
  return std::make_unique<ws_client>(f.server.voiceping_port(), o);
}

/// The next binary message; throws on timeout.
inline std::string next_frame(ws_client& c, std::chrono::milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (m->empty() || (*m)[0] == '{') continue;  // native JSON
    return *m;
  }
  throw std::runtime_error("no binary frame within the timeout");
}

/// The next frame of channel type `ct` and message type `type`, skipping others.
inline std::string next_of_type(ws_client& c, const std::string& ct, int type) {
  for (;;) {
    auto f = next_frame(c);
    if (f.substr(1, 1) == ct && static_cast<uint8_t>(f[2]) == type) return f;
  }
}

/// CONNECTION_TEST round trip: once answered, the session has joined its talk groups. `me`
/// is the user's id as the wire carries it (MessagePack bytes).
inline void sync_as(ws_client& c, const std::string& me) {
  c.send_binary(mp::arr({P, mp::uint(25), me, mp::uint(0), mp::str("sync")}));
  REQUIRE(next_frame(c) == mp::arr({P, mp::uint(26), mp::uint(0), me, mp::str("sync")}));
}

inline void sync(ws_client& c, const std::string& user) {
  sync_as(c, mp::str(user));
}

inline std::unique_ptr<ws_client> vp_user(ptt_fixture& f, const std::string& email,
                                          const std::string& id) {
  auto c = vp_connect(f, {{"token", router_token(f, email)}, {"device_id", "dev-" + email}});
  sync(*c, id);
  return c;
}

/// The str8 at `pos` of a frame (message ids are longer than 31 bytes).
inline std::string str8_at(const std::string& frame, size_t pos) {
  REQUIRE(frame.size() > pos + 2);
  REQUIRE(static_cast<uint8_t>(frame[pos]) == 0xd9);
  return frame.substr(pos + 2, static_cast<uint8_t>(frame[pos + 1]));
}

/// The message id of a six-element acknowledgement [ct, type, me, to, id, "Acknowledged"].
inline std::string acked_id(const std::string& frame, const std::string& head) {
  REQUIRE(frame.substr(0, head.size()) == head);
  auto id = str8_at(frame, head.size());
  CHECK(frame.substr(head.size() + 2 + id.size()) == mp::str("Acknowledged"));
  return id;
}

/// "<…>_<duration>ms.opus" → duration.
inline std::string duration_of(const std::string& id) {
  auto end = id.rfind("ms.opus");
  auto start = id.rfind('_', end) + 1;
  return id.substr(start, end - start);
}

}  // namespace sb::test
