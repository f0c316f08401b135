#pragma once

#include <array>

// A node with users who have extensions, their devices (native WebSockets), and helpers to
// speak the call signaling of docs/protocol.md ("Calls").

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "tests/integration/api_calls.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_database.hpp"
#include "tests/support/ws_client.hpp"

namespace sb::test {

using boost::json::object;

/// The next JSON message of `type` on `c`, skipping others; throws on timeout.
inline object next_call_message(ws_client& c, const std::string& type,
                                std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string seen;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = c.read(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    auto v = boost::json::parse(*m).as_object();
    if (v.at("type").as_string() == type) return v;
    seen += *m + "\n";
  }
  throw std::runtime_error("no " + type + " within the timeout; got:\n" + seen);
}

/// True when `c` receives no message at all within `quiet`.
inline bool stays_quiet(ws_client& c,
                        std::chrono::milliseconds quiet = std::chrono::milliseconds(300)) {
  return !c.read(quiet).has_value();
}

/// A string as a JSON value, to compare with one.
inline boost::json::value jv(const std::string& s) {
  return boost::json::value(s);
}

inline std::string str(const boost::json::value& v) {
  return std::string(v.as_string());
}

/// A problem+json answer with `status` and `code`.
inline void expect_problem(const http_reply& r, unsigned status, const std::string& code) {
  INFO(r.body);
  CHECK(r.status == status);
  CHECK(r.json().at("code") == jv(code));
}

struct call_fixture {
  explicit call_fixture(env_map env = {}) : server(db.env_with(std::move(env))) {
    admin = admin_token(server);
    alice = user("alice@calls.test", "101", "Alice Archer");
    bob = user("bob@calls.test", "102", "Bob Baker");
    carol = user("carol@calls.test", "103", "Carol Cook");
  }

  std::string user(const std::string& email, const std::string& extension,
                   const std::string& name) {
    auto space = name.find(' ');
    return create_user(server.port(), admin,
                       {{"email", email},
                        {"firstName", name.substr(0, space)},
                        {"lastName", name.substr(space + 1)},
                        {"extension", extension},
                        {"role", "user"},
                        {"password", "a-long-enough-passphrase"}});
  }

  /// The user's access token (logged in once: logins are rate limited).
  std::string token(const std::string& email) {
    auto& t = tokens[email];
    if (t.empty()) t = login(server.port(), email, "a-long-enough-passphrase");
    return t;
  }

  /// A device (native WebSocket session) of the user.
  std::unique_ptr<ws_client> device(const std::string& email) {
    ws_client::options o;
    o.headers = bearer(token(email));
    auto c = std::make_unique<ws_client>(server.port(), o);
    // A ping answered means the session is registered, so a call to the user rings it.
    c->send_text(R"({"type":"ping","id":"ready"})");
    next_call_message(*c, "pong");
    return c;
  }

  /// device(email) of each email, in order.
  template <class... Email>
  std::array<std::unique_ptr<ws_client>, sizeof...(Email)> devices(const Email&... emails) {
    return {device(emails)...};  // a braced list runs left to right
  }

  /// Sends a request with id "r" and returns its answer (call.ok or error).
  static object ask(ws_client& c, object request) {
    request["id"] = "r";
    c.send_text(boost::json::serialize(request));
    for (;;) {
      auto m = c.read(std::chrono::seconds(10));
      if (!m) throw std::runtime_error("no answer to " + boost::json::serialize(request));
      auto v = boost::json::parse(*m).as_object();
      if (v.contains("id") && v.at("id") == "r") return v;
    }
  }

  /// Places a call from `c` to `target` (extension or user id) and returns the call.
  static object invite(ws_client& c, const std::string& target, object extra = {}) {
    extra["type"] = "call.invite";
    extra["to"] = target;
    auto r = ask(c, extra);
    if (r.at("type") != "call.ok") throw std::runtime_error(boost::json::serialize(r));
    return r.at("call").as_object();
  }

  /// Calls extension 102 (Bob) from `caller`; returns the call's id once `callee` rings.
  static std::string ring(ws_client& caller, ws_client& callee) {
    auto id = std::string(invite(caller, "102").at("id").as_string());
    next_call_message(callee, "call.incoming");
    return id;
  }

  static object act(ws_client& c, const std::string& type, const std::string& call_id,
                    object extra = {}) {
    extra["type"] = type;
    extra["call_id"] = call_id;
    return ask(c, extra);
  }

  test_database db;  // declared first: outlives the server
  server_process server;
  std::string admin;
  std::string alice, bob, carol;
  std::map<std::string, std::string> tokens;
};

}  // namespace sb::test
