#pragma once

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "tests/integration/api_calls.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

namespace sb::test {

/// The 16 raw bytes of a textual UUID (written here independently of the server's codec).
inline std::string uuid_bytes(const std::string& uuid) {
  std::string hex, out;
  for (char c : uuid) {
    if (c != '-') hex += c;
  }
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return out;
}

/// A client audio frame for a channel: kind 0x01, flags 0, channel, Opus payload.
inline std::string audio_frame(const std::string& channel, const std::string& opus) {
  return std::string("\x01\x00", 2) + uuid_bytes(channel) + opus;
}

/// The value of one metric series (name with its labels) on `port`'s /metrics; 0 when absent.
inline long metric(uint16_t port, const std::string& series) {
  auto body = http_request(port, "GET", "/metrics").body;
  auto at = body.find("\n" + series + " ");
  if (at == std::string::npos) return 0;
  return std::stol(body.substr(at + series.size() + 2));
}

/// The JSON message of `type`, skipping others (binary audio included); throws on timeout.
inline boost::json::object next_of(ws_client& c, const std::string& type,
                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (m->empty() || (*m)[0] != '{') continue;
    auto v = boost::json::parse(*m).as_object();
    if (v.at("type").as_string() == type) return v;
  }
  throw std::runtime_error("no " + type + " within the timeout");
}

/// The JSON messages of each of `types`, in whichever order they come, skipping others.
inline std::map<std::string, boost::json::object> next_of_each(
    ws_client& c, std::set<std::string> types,
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  std::map<std::string, boost::json::object> got;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!types.empty() && std::chrono::steady_clock::now() < deadline) {
    auto m = c.read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (m->empty() || (*m)[0] != '{') continue;
    auto v = boost::json::parse(*m).as_object();
    auto type = std::string(v.at("type").as_string());
    if (types.erase(type)) got[type] = std::move(v);
  }
  if (!types.empty()) throw std::runtime_error("no " + *types.begin() + " within the timeout");
  return got;
}

/// What a listener receives for an audio packet: 0x01 | flags | target | sender | Opus.
inline std::string heard(const std::string& target, const std::string& from,
                         const std::string& opus, char flags = 0) {
  return std::string(1, '\x01') + std::string(1, flags) + uuid_bytes(target) + uuid_bytes(from) +
         opus;
}

/// The next binary (audio) message, skipping JSON ones; nullopt on timeout.
inline std::optional<std::string> next_audio(
    ws_client& c, std::chrono::milliseconds timeout = std::chrono::seconds(2)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!m) return std::nullopt;
    if (!m->empty() && (*m)[0] == '\x01') return m;
  }
  return std::nullopt;
}

/// Sends ptt.start and returns the answer (ptt.granted or ptt.denied).
inline boost::json::object start_talking(ws_client& c, const std::string& channel,
                                         const std::string& id = "s") {
  c.send_text(R"({"type":"ptt.start","id":")" + id + R"(","channel":")" + channel + R"("})");
  for (;;) {
    auto m = c.read(std::chrono::seconds(5));
    if (!m) throw std::runtime_error("no answer to ptt.start");
    if (m->empty() || (*m)[0] != '{') continue;
    auto answer = boost::json::parse(*m).as_object();
    if (answer.at("type") == "ptt.granted" || answer.at("type") == "ptt.denied") return answer;
  }
}

inline boost::json::object stop_talking(ws_client& c, const std::string& channel,
                                        const std::string& id = "t") {
  c.send_text(R"({"type":"ptt.stop","id":")" + id + R"(","channel":")" + channel + R"("})");
  return next_of(c, "ptt.stop.ok");
}

/// A node with one event, one team, one channel, and users who hear it, each with a token.
struct ptt_fixture {
  explicit ptt_fixture(env_map env = {}) : server(db.env_with(std::move(env))) { set_up(); }
  /// The same on a SQLite database in `sqlite_dir`.
  ptt_fixture(env_map env, const std::string& sqlite_dir)
      : db(sqlite_dir), server(db.env_with(std::move(env))) {
    set_up();
  }

  void set_up() {
    admin = admin_token(server);
    auto e = call(server.port(), "POST", "/api/events", admin,
                  boost::json::object{{"name", "Festival"}});
    REQUIRE(e.status == 201);
    event = std::string(e.json().at("id").as_string());
    auto t = call(server.port(), "POST", "/api/events/" + event + "/teams", admin,
                  boost::json::object{{"name", "Stage crew"}});
    REQUIRE(t.status == 201);
    team = std::string(t.json().at("id").as_string());
    channel = new_channel("Stage");
  }

  std::string new_channel(const std::string& name) {
    auto c = call(server.port(), "POST", "/api/teams/" + team + "/channels", admin,
                  boost::json::object{{"name", name}});
    REQUIRE(c.status == 201);
    return std::string(c.json().at("id").as_string());
  }

  /// Creates a user of the tenant who is not in the event; returns the id.
  std::string outsider(const std::string& email) {
    return create_user(server.port(), admin,
                       {{"email", email},
                        {"firstName", "F"},
                        {"lastName", "L"},
                        {"role", "user"},
                        {"password", "a-long-enough-passphrase"}});
  }

  /// Creates a user, puts them in the event with `role` and the given channels, returns id.
  std::string member(const std::string& email, const std::string& role = "USER",
                     std::vector<std::string> channels = {}) {
    auto id = outsider(email);
    boost::json::array list;
    for (const auto& c : channels.empty() ? std::vector<std::string>{channel} : channels) {
      list.push_back(boost::json::value(c));
    }
    auto r = call(server.port(), "POST", "/api/events/" + event + "/users", admin,
                  boost::json::object{{"userId", id}, {"role", role}, {"channelIds", list}});
    REQUIRE(r.status == 200);
    return id;
  }

  /// member(email) of each email (role USER, the fixture's channel); their ids in order.
  template <class... Email>
  std::array<std::string, sizeof...(Email)> members(const Email&... emails) {
    return {member(emails)...};  // a braced list runs left to right
  }

  std::string token_of(const std::string& email) {
    return login(server.port(), email, "a-long-enough-passphrase");
  }

  /// A WebSocket of the user, once its session has joined `joins` talk groups.
  std::unique_ptr<ws_client> connect(const std::string& email, size_t joins = 1,
                                     ws_client::options o = {}) {
    o.headers = bearer(token_of(email));
    auto c = std::make_unique<ws_client>(server.port(), o);
    for (size_t i = 0; i < joins; ++i) next_of(*c, "channel.joined");
    return c;
  }

  /// connect(email) of each email, in order.
  template <class... Email>
  std::array<std::unique_ptr<ws_client>, sizeof...(Email)> connect_all(const Email&... emails) {
    return {connect(emails)...};
  }

  test_database db;  // declared first: outlives the server
  server_process server;
  std::string admin;
  std::string event;
  std::string team;
  std::string channel;
};

}  // namespace sb::test
