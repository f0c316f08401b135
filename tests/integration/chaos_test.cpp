// Chaos accounting (docs/reliability.md): durable writes of every kind — echo notes, PTT text,
// Dialpad webhooks, call setups, chat messages — while the node is killed with SIGKILL and
// restarted, and on PostgreSQL the database restarted once; then, per kind, what was acknowledged
// against what is stored: nothing lost, nothing twice, every webhook processed exactly once.
// SB_CHAOS_ROUNDS (default 3) and SB_CHAOS_ROUND_MS (default 1500) size the run; tools/chaos.sh
// runs it longer.

#include <soci/soci.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <functional>
#include <mutex>
#include <thread>

#include "tests/integration/cti_fixture.hpp"
#include "tests/integration/echo_pump.hpp"
#include "tests/integration/ptt_fixture.hpp"
#include "tests/support/test_database.hpp"

namespace sb::test {

namespace {

using namespace std::chrono_literals;

int env_int(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::stoi(v) : fallback;
}

/// What one kind of write saw: acknowledged writes (key → what the node answered), and how
/// many attempts failed (refused connections, timeouts, error replies) while the node was down.
struct tally {
  std::mutex mutex;
  std::map<std::string, std::string> acked;
  int failed = 0;
  std::map<std::string, int> reasons;  ///< why attempts failed (the start of each error)

  void ack(std::string key, std::string value) {
    std::lock_guard guard{mutex};
    acked.emplace(std::move(key), std::move(value));
  }
  void fail(const std::string& why) {
    std::lock_guard guard{mutex};
    ++failed;
    ++reasons[why];
  }
};

/// An error's kind without the ids in it: "db_unavailable", "connect: Connection refused".
std::string reason(std::string what) {
  what = what.substr(0, what.find(" ["));
  if (what.rfind("HTTP ", 0) == 0) what = what.substr(what.find(": ") + 2);
  return what;
}

/// The problem's or error's `code` of a reply body.
std::string code_of(const std::string& body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  auto* o = v.if_object();
  auto* code = o ? o->if_contains("code") : nullptr;
  return code && code->is_string() ? std::string(code->as_string()) : "unparsable reply";
}

/// Runs `step` on a thread until stopped. A step that throws (the node is down) counts as a
/// failed attempt, and the writer waits a little before the next one.
class writer {
 public:
  writer(tally& t, std::function<void()> step) : tally_(t), step_(std::move(step)) {
    thread_ = std::thread([this] {
      while (!stopping_) {
        try {
          step_();
        } catch (const std::exception& e) {
          tally_.fail(reason(e.what()));
          std::this_thread::sleep_for(50ms);
        }
      }
    });
  }
  ~writer() { stop(); }
  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
  }

 private:
  tally& tally_;
  std::function<void()> step_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

/// A WebSocket that is opened again whenever the node dropped it.
class reconnecting_ws {
 public:
  reconnecting_ws(uint16_t port, std::function<std::string()> token, std::string ready_type = "")
      : port_(port), token_(std::move(token)), ready_type_(std::move(ready_type)) {}

  /// Sends `request` and returns the reply of type `ok_type` with the request's id, or throws.
  boost::json::object ask(const std::string& request, const std::string& id,
                          const std::string& ok_type) {
    if (!client_) {
      ws_client::options o;
      o.headers = bearer(token_());
      auto fresh = std::make_unique<ws_client>(port_, o);
      if (!ready_type_.empty()) next_of(*fresh, ready_type_, 5s);  // else: a new connection
      client_ = std::move(fresh);
    }
    try {
      client_->send_text(request);
      auto deadline = std::chrono::steady_clock::now() + 3s;
      while (std::chrono::steady_clock::now() < deadline) {
        auto msg = client_->read(500ms);
        if (!msg) {
          if (client_->wait_closed(0ms)) break;
          continue;
        }
        auto reply = boost::json::parse(*msg).as_object();
        auto* rid = reply.if_contains("id");
        if (!rid || !rid->is_string() || rid->as_string() != id) continue;  // an event
        if (reply.at("type").as_string() == ok_type) return reply;
        throw std::runtime_error(code_of(*msg));
      }
    } catch (...) {
      client_.reset();
      throw;
    }
    client_.reset();
    throw std::runtime_error("no answer");
  }

 private:
  uint16_t port_;
  std::function<std::string()> token_;
  std::string ready_type_;
  std::unique_ptr<ws_client> client_;
};

std::string text_of(const boost::json::value& v) {
  return std::string(v.as_string());
}

/// Runs the writers through `rounds` kills (and one PostgreSQL restart when asked), then
/// counts per kind what was acknowledged against what the database holds.
void run_chaos(bool restart_postgres) {
  const int rounds = env_int("SB_CHAOS_ROUNDS", 3);
  const auto round = std::chrono::milliseconds(env_int("SB_CHAOS_ROUND_MS", 1500));
  ptt_fixture f({{"RATE_LIMIT_WS_MESSAGES", kUnlimited},
                 {"RATE_LIMIT_WS_USER_MESSAGES", kUnlimited},
                 {"DATABASE_BACKOFF_INITIAL", "50"},
                 {"DATABASE_BACKOFF_MAX", "500"},
                 {"DATABASE_PING_INTERVAL", "200"}});
  const uint16_t port = f.server.port();  // restarts keep the port
  auto talker_id = f.member("talker@chaos.test");
  create_user(port, f.admin,
              {{"email", "callee@chaos.test"},
               {"firstName", "Cal"},
               {"lastName", "Lee"},
               {"extension", "202"},
               {"role", "user"},
               {"password", "a-long-enough-passphrase"}});
  auto app = cti_app::create(port, "chaos-crm");
  auto talker = f.token_of("talker@chaos.test");
  auto admin = f.admin;

  tally echoes, texts, webhooks, calls, chats;
  std::vector<std::unique_ptr<writer>> writers;
  for (int w = 0; w < 2; ++w) {
    auto ws = std::make_shared<reconnecting_ws>(port, [&] { return admin; });
    auto n = std::make_shared<int>(0);
    writers.push_back(std::make_unique<writer>(echoes, [ws, n, w, &echoes] {
      auto id = "e" + std::to_string(w) + "-" + std::to_string((*n)++);
      auto text = "chaos-echo-" + id;
      auto ok =
          ws->ask(R"({"type":"echo","id":")" + id + R"(","text":")" + text + "\"}", id, "echo.ok");
      echoes.ack(text, std::to_string(ok.at("note_id").as_int64()));
    }));
  }
  {
    auto ws = std::make_shared<reconnecting_ws>(
        port, [&] { return talker; }, "channel.joined");
    auto n = std::make_shared<int>(0);
    auto channel = f.channel;
    writers.push_back(std::make_unique<writer>(texts, [ws, n, channel, &texts] {
      auto id = "t" + std::to_string((*n)++);
      auto text = "chaos-ptt-" + id;
      auto ok = ws->ask(R"({"type":"text","id":")" + id + R"(","channel":")" + channel +
                            R"(","text":")" + text + "\"}",
                        id, "text.ok");
      texts.ack(text, text_of(ok.at("message_id")));
    }));
  }
  {
    // Dialpad sends an event until it gets a 2xx: a write the node may have committed before
    // it died comes again, and must be processed once.
    auto n = std::make_shared<int64_t>(0);
    writers.push_back(std::make_unique<writer>(webhooks, [n, &app, &webhooks] {
      int64_t call_id = 9'100'000 + *n;
      auto r = app.post(dialpad_event(call_id, "calling", 1'760'000'000'000 + *n));
      if (r.status / 100 != 2) throw std::runtime_error(code_of(r.body));
      webhooks.ack(std::to_string(call_id), "");
      ++*n;
    }));
  }
  {
    // A chat client resends an unanswered message with the same clientMsgId (as Socket.IO
    // clients replay their buffer): whether the node died before or after the commit, the
    // message must be stored once.
    auto ws = std::make_shared<reconnecting_ws>(port, [&] { return admin; });
    auto n = std::make_shared<int>(0);
    writers.push_back(std::make_unique<writer>(chats, [ws, n, talker_id, &chats] {
      auto key = "m" + std::to_string(*n);
      auto text = "chaos-chat-" + key;
      auto ok = ws->ask(R"({"type":"chat.send","id":")" + key + R"(","to":")" + talker_id +
                            R"(","content":")" + text + R"(","clientMsgId":")" + key + "\"}",
                        key, "chat.sent");
      chats.ack(text, text_of(ok.at("message").at("id")));
      ++*n;
    }));
  }
  writers.push_back(std::make_unique<writer>(calls, [port, &admin, &calls] {
    auto r =
        call(port, "POST", "/api/calls/initiate", admin, boost::json::object{{"extension", "202"}});
    if (r.status != 201) throw std::runtime_error(code_of(r.body));
    calls.ack(text_of(data_of(r).at("id")), "");
  }));

  for (int i = 0; i < rounds; ++i) {
    std::this_thread::sleep_for(round);
    f.server.restart(SIGKILL);
    if (restart_postgres && i == rounds / 2) {
      std::this_thread::sleep_for(round / 2);
      stop_postgres();
      std::this_thread::sleep_for(round / 2);
      start_postgres();
    }
  }
  std::this_thread::sleep_for(round);
  for (auto& w : writers) w->stop();

  auto sql = f.db.connect();
  // Webhooks are processed after they are acknowledged: wait until none is left pending.
  CHECK(eventually(
      [&] {
        int pending = 0;
        *sql << "SELECT COUNT(*) FROM webhook_events WHERE status <> 'processed'",
            soci::into(pending);
        return pending == 0;
      },
      30s));
  CHECK(f.server.stop(SIGTERM) == 0);

  auto count = [&](const std::string& query, const auto& key) {
    int n = 0;
    *sql << query, soci::use(key), soci::into(n);
    return n;
  };
  auto report = [](const char* kind, tally& t, int lost, int twice) {
    std::printf("chaos: %-8s acknowledged %5zu, failed attempts %4d, lost %d, duplicated %d\n",
                kind, t.acked.size(), t.failed, lost, twice);
    for (const auto& [why, n] : t.reasons) std::printf("         %5d × %s\n", n, why.c_str());
    CHECK(t.acked.size() > 0);
    CHECK(lost == 0);
    CHECK(twice == 0);
  };

  int lost = 0, twice = 0;
  for (const auto& [text, note_id] : echoes.acked) {
    int rows = count("SELECT COUNT(*) FROM notes WHERE body = :b", text);
    long long stored_id = 0;
    if (rows == 1) {
      *sql << "SELECT id FROM notes WHERE body = :b", soci::use(text), soci::into(stored_id);
      CHECK(std::to_string(stored_id) == note_id);
    }
    lost += rows == 0;
    twice += rows > 1;
  }
  report("echo", echoes, lost, twice);

  lost = twice = 0;
  for (const auto& [text, message_id] : texts.acked) {
    int rows = count("SELECT COUNT(*) FROM chat_messages WHERE content = :b", text);
    lost += rows == 0 || count("SELECT COUNT(*) FROM chat_messages WHERE id = :i", message_id) != 1;
    twice += rows > 1;
  }
  report("ptt text", texts, lost, twice);

  lost = twice = 0;
  int processed_twice = 0;
  for (const auto& [key, _] : webhooks.acked) {
    long long call_id = std::stoll(key);
    int events = count(
        "SELECT COUNT(*) FROM webhook_events WHERE call_id = :c AND status = 'processed'", call_id);
    int applied = count(
        "SELECT COUNT(*) FROM cti_call_states s JOIN cti_calls c ON c.id = "
        "s.call_id WHERE c.dialpad_call_id = :c",
        call_id);
    lost += events == 0 || applied == 0;
    twice += events > 1;
    processed_twice += applied > 1;
  }
  report("webhook", webhooks, lost, twice);
  CHECK(processed_twice == 0);

  lost = twice = 0;
  for (const auto& [id, _] : calls.acked) {
    int rows = count("SELECT COUNT(*) FROM call_participants WHERE call_id = :i", id);
    lost += rows == 0;
    twice += rows > 2;  // the caller and the callee
  }
  report("call", calls, lost, twice);

  lost = twice = 0;
  for (const auto& [text, message_id] : chats.acked) {
    int rows = count("SELECT COUNT(*) FROM chat_messages WHERE content = :b", text);
    lost += rows == 0 || count("SELECT COUNT(*) FROM chat_messages WHERE id = :i", message_id) != 1;
    twice += rows > 1;
  }
  report("chat", chats, lost, twice);
  // No log has a gap: seq runs 1..n in each conversation (the chat's and the channel's, where
  // the PTT texts went).
  int gapped = -1;
  *sql << "SELECT COUNT(*) FROM (SELECT conversation_id FROM chat_messages GROUP BY "
          "conversation_id HAVING COUNT(*) <> MAX(seq)) AS gaps",
      soci::into(gapped);
  CHECK(gapped == 0);
}

}  // namespace

TEST_CASE(
    "killed again and again under writes of every kind: nothing acknowledged is lost or doubled",
    "[chaos][durability]") {
  run_chaos(false);
}

TEST_CASE("the same with PostgreSQL restarted once in the middle",
          "[chaos][durability][pg_restart]") {
  REQUIRE(dialect_under_test() == sb::config::dialect::postgresql);
  run_chaos(true);
}

}  // namespace sb::test
