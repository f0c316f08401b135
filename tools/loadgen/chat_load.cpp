#include "tools/loadgen/chat_load.hpp"

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <memory>
#include <random>
#include <unordered_map>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/http_setup.hpp"
#include "tools/loadgen/native_device.hpp"

namespace loadgen {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

// Chat over the native protocol (docs/protocol.md, "Chat"): `users` users with `devices`
// native connections each; every connection is a sender that keeps `window` chat.send requests
// outstanding to the next user (user i → user i+1), each with its own clientMsgId, for
// `duration` seconds. Every message is committed before its chat.sent; it reaches the
// recipient's connections and the sender's other ones as chat.message.
struct chat_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string token;  ///< an administrator's access token, for the setup
  int users = 100;
  int devices = 10;
  double duration_s = 10;
  int window = 1;
  size_t text_bytes = 64;
  int setup_threads = 8;
  int server_pid = 0;
  std::string run;  ///< a label for the users; empty = a random one
};

struct chat_stats {
  std::vector<double> ack_ms;
  size_t acked = 0;
  size_t delivered = 0;
  size_t errors = 0;
  std::string first_error;
  bool sending = true;
  size_t outstanding = 0;
};

class sender final : public native_device {
 public:
  sender(net::io_context& ioc, const chat_options& o, chat_stats& st, std::string token,
         std::string to, std::string name)
      : native_device(ioc, o.host, std::move(token)),
        opts_(o),
        st_(st),
        to_(std::move(to)),
        name_(std::move(name)),
        text_(o.text_bytes, 'x') {}

  void start() {
    for (int i = 0; i < opts_.window; ++i) send_next();
  }

 private:
  void send_next() {
    if (!st_.sending) return;
    auto id = fmt::format("{}-{}", name_, next_++);
    sent_at_[id] = clock_type::now();
    ++st_.outstanding;
    write(fmt::format(
        R"({{"type":"chat.send","id":"{}","to":"{}","content":"{}","clientMsgId":"{}"}})", id, to_,
        text_, id));
  }

  void on_message(const json::object& m, std::string_view text,
                  clock_type::time_point now) override {
    auto type = m.at("type").as_string();
    if (type == "chat.message") {
      ++st_.delivered;
      return;
    }
    if (type != "chat.sent" && type != "error") return;  // presence, receipts
    auto it = sent_at_.find(std::string(m.at("id").as_string()));
    if (it == sent_at_.end()) return;
    --st_.outstanding;
    if (type == "chat.sent") {
      ++st_.acked;
      st_.ack_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
    } else {
      if (st_.first_error.empty()) st_.first_error = std::string(text);
      ++st_.errors;
    }
    sent_at_.erase(it);
    send_next();
  }

  const chat_options& opts_;
  chat_stats& st_;
  std::string to_;
  std::string name_;
  std::string text_;
  uint64_t next_ = 0;
  std::unordered_map<std::string, clock_type::time_point> sent_at_;
};

chat_options parse(int argc, char** argv) {
  chat_options o;
  parse_options(
      argc, argv, 2,
      {{"--host", [&](const std::string& v) { o.host = v; }},
       {"--port", [&](const std::string& v) { o.port = static_cast<uint16_t>(std::stoi(v)); }},
       {"--token", [&](const std::string& v) { o.token = v; }},
       {"--users", [&](const std::string& v) { o.users = std::stoi(v); }},
       {"--devices", [&](const std::string& v) { o.devices = std::stoi(v); }},
       {"--duration", [&](const std::string& v) { o.duration_s = std::stod(v); }},
       {"--window", [&](const std::string& v) { o.window = std::stoi(v); }},
       {"--text-bytes", [&](const std::string& v) { o.text_bytes = std::stoul(v); }},
       {"--setup-threads", [&](const std::string& v) { o.setup_threads = std::stoi(v); }},
       {"--server-pid", [&](const std::string& v) { o.server_pid = std::stoi(v); }},
       {"--run", [&](const std::string& v) { o.run = v; }}});
  if (o.token.empty()) throw std::invalid_argument("--token (an administrator's) is required");
  if (o.users < 2 || o.devices < 1 || o.window < 1 || o.duration_s <= 0) {
    throw std::invalid_argument("bad sizes");
  }
  return o;
}

}  // namespace

int run_chat(int argc, char** argv) {
  chat_options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen chat: " << e.what()
              << "\nusage: loadgen chat --token ADMIN_TOKEN [--port P] [--users U] [--devices D]\n"
                 "       [--duration S] [--window W] [--text-bytes B] [--server-pid PID] "
                 "[--run LABEL]\n";
    return 2;
  }
  auto run = o.run.empty() ? std::to_string(std::random_device{}() % 9'000'000 + 1'000'000) : o.run;
  auto setup_started = clock_type::now();
  auto users = bench_users(o.host, o.port, o.token, static_cast<size_t>(o.users), "chat-" + run,
                           o.setup_threads);
  fmt::print("setup: {} users through the REST API in {:.1f} s\n", o.users,
             std::chrono::duration<double>(clock_type::now() - setup_started).count());

  net::io_context ioc;
  chat_stats st;
  tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  std::vector<std::shared_ptr<sender>> senders;
  size_t ready = 0;
  for (size_t u = 0; u < users.size(); ++u) {
    const auto& to = users[(u + 1) % users.size()].id;
    for (int d = 0; d < o.devices; ++d) {
      senders.push_back(
          std::make_shared<sender>(ioc, o, st, users[u].token, to, fmt::format("u{}d{}", u, d)));
      senders.back()->connect(ep, [&] { ++ready; });
    }
  }
  if (!run_until(
          ioc, [&] { return ready == senders.size(); }, std::chrono::seconds(60))) {
    fmt::print("only {} of {} connections ready\n", ready, senders.size());
    return 1;
  }
  double cpu_before = cpu_seconds(o.server_pid);
  auto start = clock_type::now();
  for (auto& s : senders) s->start();
  ioc.run_until(start + std::chrono::duration_cast<clock_type::duration>(
                            std::chrono::duration<double>(o.duration_s)));
  st.sending = false;
  auto stopped = clock_type::now();
  double cpu = cpu_seconds(o.server_pid) - cpu_before;
  run_until(
      ioc, [&] { return st.outstanding == 0; }, std::chrono::seconds(30));
  double secs = std::chrono::duration<double>(stopped - start).count();
  fmt::print("chat: {} senders ({} users × {} connections), window {}, {} s\n", senders.size(),
             o.users, o.devices, o.window, o.duration_s);
  fmt::print("acknowledged: {} ({:.0f}/s), errors {}{}\n", st.acked,
             static_cast<double>(st.acked) / secs, st.errors,
             st.first_error.empty() ? "" : " (first: " + st.first_error + ")");
  fmt::print("ack ms: p50 {:.2f}  p99 {:.2f}  max {:.2f}\n", percentile(st.ack_ms, 0.5),
             percentile(st.ack_ms, 0.99), percentile(st.ack_ms, 1.0));
  fmt::print("delivered (chat.message): {} ({:.0f}/s)\n", st.delivered,
             static_cast<double>(st.delivered) / secs);
  if (o.server_pid) {
    fmt::print("node: {:.2f} CPU s ({:.0f} µs per acknowledged message), RSS {:.1f} MiB\n", cpu,
               cpu * 1e6 / static_cast<double>(std::max<size_t>(1, st.acked)),
               rss_bytes(o.server_pid) / 1048576);
  }
  for (auto& s : senders) s->close();
  ioc.run_for(std::chrono::milliseconds(200));
  return st.errors == 0 ? 0 : 1;
}

}  // namespace loadgen
