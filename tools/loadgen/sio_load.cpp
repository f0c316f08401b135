#include "tools/loadgen/sio_load.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <iostream>
#include <thread>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/ptt_load.hpp"
#include "tools/loadgen/raw_ws.hpp"
#include "tools/loadgen/ws_clients.hpp"

namespace loadgen {

namespace {

using clock_type = std::chrono::steady_clock;

struct sio_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string token;  ///< an administrator's access token, for the setup
  bool plain = false;
  int members = 1000;  ///< the sender included
  double rate = 20;    ///< messages per second from the sender
  double duration_s = 10;
  int setup_threads = 8;
  int reader_threads = 2;
  int poll_us = 1000;
  int server_pid = 0;
};

/// The send time a message carries as its content ("<ns>"), after `"content":"` in `payload`.
std::optional<int64_t> sent_ns_of(std::string_view payload) {
  static constexpr std::string_view key = R"("content":")";
  auto at = payload.find(key);
  if (at == std::string_view::npos) return std::nullopt;
  auto digits = payload.substr(at + key.size());
  int64_t v = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc{}) return std::nullopt;
  return v;
}

/// Socket.IO clients on Engine.IO v4's WebSocket transport: each connects to the main
/// namespace when the Engine.IO handshake arrives, answers the server's pings, times every
/// `message:receive` by the send time in its content, and counts the sender's acks (and
/// their latency, the commit's on Switchboard).
class sio_clients final : public ws_clients {
 public:
  using ws_clients::ws_clients;
  ~sio_clients() override { stop(); }

  size_t connected() const { return connected_.load(); }
  size_t refused() const { return refused_.load(); }
  size_t acked() const { return acked_.load(); }
  std::vector<double> ack_ms() {
    std::lock_guard guard{ack_mutex_};
    return ack_ms_;
  }

 private:
  void on_frame(client& c, uint8_t opcode, std::string_view p, reader* r) override {
    if (opcode != ws_opcode::text || p.empty()) return;
    if (p[0] == '0') {
      reply(c, client_frame(ws_opcode::text, "40"));  // Engine.IO open → Socket.IO CONNECT
    } else if (p == "2") {
      reply(c, client_frame(ws_opcode::text, "3"));  // ping → pong
    } else if (p.starts_with("40")) {
      ++connected_;
    } else if (p.starts_with("44")) {
      ++refused_;
    } else if (p.starts_with(R"(42["message:receive")")) {
      if (auto sent = sent_ns_of(p)) delivered(r, *sent);
    } else if (p.starts_with("43")) {
      ++acked_;
      if (auto sent = sent_ns_of(p)) {
        std::lock_guard guard{ack_mutex_};
        ack_ms_.push_back(static_cast<double>(now_ns() - *sent) / 1e6);
      }
    }
  }

  std::atomic<size_t> connected_{0};
  std::atomic<size_t> refused_{0};
  std::atomic<size_t> acked_{0};
  std::mutex ack_mutex_;
  std::vector<double> ack_ms_;
};

sio_options parse(int argc, char** argv) {
  sio_options o;
  parse_options(
      argc, argv, 2,
      {{"--host", [&](const std::string& v) { o.host = v; }},
       {"--port", [&](const std::string& v) { o.port = static_cast<uint16_t>(std::stoi(v)); }},
       {"--token", [&](const std::string& v) { o.token = v; }},
       {"--plain", [&](const std::string& v) { o.plain = v != "false"; }},
       {"--members", [&](const std::string& v) { o.members = std::stoi(v); }},
       {"--rate", [&](const std::string& v) { o.rate = std::stod(v); }},
       {"--duration", [&](const std::string& v) { o.duration_s = std::stod(v); }},
       {"--setup-threads", [&](const std::string& v) { o.setup_threads = std::stoi(v); }},
       {"--reader-threads", [&](const std::string& v) { o.reader_threads = std::stoi(v); }},
       {"--poll-us", [&](const std::string& v) { o.poll_us = std::stoi(v); }},
       {"--server-pid", [&](const std::string& v) { o.server_pid = std::stoi(v); }}});
  if (o.token.empty() && !o.plain) {
    throw std::invalid_argument("--token (an administrator's) is required, unless --plain true");
  }
  if (o.members < 2 || o.rate <= 0 || o.duration_s <= 0 || o.reader_threads < 1) {
    throw std::invalid_argument("bad sizes");
  }
  return o;
}

}  // namespace

int run_sio(int argc, char** argv) {
  sio_options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen sio: " << e.what()
              << "\nusage: loadgen sio (--token ADMIN_TOKEN | --plain true) [--port P]\n"
                 "       [--members M] [--rate MESSAGES_PER_S] [--duration S]\n"
                 "       [--reader-threads N] [--poll-us MICROSECONDS] [--server-pid PID]\n";
    return 2;
  }
  channel_setup setup;
  if (o.plain) {
    setup.channels = {"bench"};
    setup.tokens.resize(static_cast<size_t>(o.members));
  } else {
    auto started = clock_type::now();
    setup = set_up_channels(o.host, o.port, o.token, 1, o.members, o.setup_threads);
    fmt::print("setup: 1 channel x {} members through the REST API in {:.1f} s\n", o.members,
               std::chrono::duration<double>(clock_type::now() - started).count());
  }

  sio_clients clients(o.reader_threads, std::chrono::microseconds(o.poll_us));
  double rss_before = rss_bytes(o.server_pid);
  for (const auto& token : setup.tokens) {
    clients.add(o.host, o.port, token, "/socket.io/?EIO=4&transport=websocket");
  }
  auto members = setup.tokens.size();
  if (!wait_for([&] { return clients.connected() + clients.refused() == members; },
                std::chrono::seconds(120)) ||
      clients.refused() > 0) {
    fmt::print("{} of {} connected, {} refused\n", clients.connected(), members, clients.refused());
    return 1;
  }
  // Connecting sets off presence traffic (each connection follows up to
  // chat.presence_watch_limit users): measure once the server is idle again.
  auto settle_started = clock_type::now();
  for (int quiet = 0;
       quiet < 2 && clock_type::now() - settle_started < std::chrono::seconds(120);) {
    double before = cpu_seconds(o.server_pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    quiet = cpu_seconds(o.server_pid) - before < 0.025 ? quiet + 1 : 0;  // under 5 % of a core
  }
  fmt::print("settled: server idle {:.1f} s after the last connection\n",
             std::chrono::duration<double>(clock_type::now() - settle_started).count());
  double rss_idle = rss_bytes(o.server_pid);
  fmt::print(
      "connections: {} Socket.IO connected; server RSS {:.1f} MiB -> {:.1f} MiB "
      "({:.1f} KiB per idle connection)\n",
      members, rss_before / 1048576, rss_idle / 1048576,
      (rss_idle - rss_before) / static_cast<double>(members) / 1024);

  // The first member sends, paced; each message carries its send time as its content.
  auto period = std::chrono::duration<double>(1.0 / o.rate);
  auto start = clock_type::now() + std::chrono::milliseconds(100);
  auto until = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(o.duration_s));
  clients.measure(true);
  double cpu0 = cpu_seconds(o.server_pid), own_cpu0 = cpu_seconds(::getpid());
  uint64_t sent = 0;
  for (auto at = start; at < until;
       at += std::chrono::duration_cast<clock_type::duration>(period)) {
    std::this_thread::sleep_until(at);
    auto packet =
        fmt::format(R"(42{}["message:send",{{"to":"{}","content":"{}","clientMsgId":"b{}"}}])",
                    sent, setup.channels[0], now_ns(), sent);
    if (clients.send(0, client_frame(ws_opcode::text, packet))) ++sent;
  }
  double cpu1 = cpu_seconds(o.server_pid), own_cpu1 = cpu_seconds(::getpid());
  wait_for([&] { return clients.acked() == sent; }, std::chrono::seconds(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // deliveries still in flight
  double rss_busy = rss_bytes(o.server_pid);
  clients.stop();

  auto expected = sent * (members - 1);
  auto received = clients.received();
  auto l = clients.latencies_ms();
  auto acks = clients.ack_ms();
  fmt::print("messages: {} sent ({:.0f}/s), {} acknowledged; ack ms p50 {:.2f}  p99 {:.2f}\n", sent,
             o.rate, clients.acked(), percentile(acks, 0.5), percentile(acks, 0.99));
  fmt::print("deliveries: {} of {} ({:.2f}%), {:.0f}/s\n", received, expected,
             expected ? 100.0 * static_cast<double>(received) / static_cast<double>(expected) : 0.0,
             static_cast<double>(received) / o.duration_s);
  fmt::print("delivery ms (send -> message:receive): p50 {:.2f}  p99 {:.2f}  max {:.2f}\n",
             percentile(l, 0.5), percentile(l, 0.99), percentile(l, 1.0));
  if (o.server_pid > 0) {
    fmt::print("server: CPU {:.0f}% of one core while sending, RSS {:.1f} MiB after\n",
               100 * (cpu1 - cpu0) / o.duration_s, rss_busy / 1048576);
  }
  fmt::print("loadgen: CPU {:.0f}% of one core\n", 100 * (own_cpu1 - own_cpu0) / o.duration_s);
  if (clients.closed() > 0) fmt::print("{} connections closed by the server\n", clients.closed());
  return 0;
}

}  // namespace loadgen
