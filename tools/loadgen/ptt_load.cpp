#include "tools/loadgen/ptt_load.hpp"

#include <fmt/format.h>
#include <unistd.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/http_setup.hpp"
#include "tools/loadgen/ws_open.hpp"

namespace loadgen {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace json = boost::json;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;
using verb = beast::http::verb;

struct ptt_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string token;  ///< an administrator's access token, for the setup
  int groups = 1;
  int members = 10;  ///< per group, the talker included
  double duration_s = 10;
  int fps = 50;
  size_t frame_bytes = 80;
  int setup_threads = 8;
  int server_pid = 0;  ///< for CPU and RSS figures
};

struct ptt_stats {
  size_t joined = 0;
  size_t granted = 0;
  uint64_t frames_sent = 0;
  uint64_t frames_received = 0;
  uint64_t closed = 0;
  std::vector<double> latencies_ms;
  bool measuring = false;
};

int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now().time_since_epoch())
      .count();
}

std::string uuid_bytes(const std::string& uuid) {
  std::string out;
  for (size_t i = 0; i + 1 < uuid.size(); ++i) {
    if (uuid[i] == '-') continue;
    out.push_back(static_cast<char>(std::stoi(uuid.substr(i, 2), nullptr, 16)));
    ++i;
  }
  return out;
}

/// One member's connection: listens, and for a talker also sends the audio.
class member : public std::enable_shared_from_this<member> {
 public:
  member(net::io_context& ioc, const ptt_options& o, ptt_stats& st, std::string token,
         std::string channel)
      : ws_(ioc),
        timer_(ioc),
        opts_(o),
        st_(st),
        token_(std::move(token)),
        channel_(std::move(channel)) {}

  void connect(tcp::endpoint ep, std::function<void()> done) {
    auto self = shared_from_this();
    open_ws(ws_, ep, opts_.host, token_, self, [self, done] {
      self->read();
      done();
    });
  }

  void request_floor() {
    send(fmt::format(R"({{"type":"ptt.start","id":"s","channel":"{}"}})", channel_), false);
  }

  /// Sends frames every 1/fps until `until`, starting after `offset` (talkers are staggered).
  void talk(clock_type::time_point start, clock_type::time_point until) {
    until_ = until;
    header_ = std::string("\x01\x00", 2) + uuid_bytes(channel_);
    next_ = start;
    tick();
  }

  void close() {
    timer_.cancel();
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](auto) {});
  }

 private:
  void tick() {
    if (next_ >= until_) return;
    timer_.expires_at(next_);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      std::string frame = self->header_;
      frame.resize(self->header_.size() + self->opts_.frame_bytes, 'o');
      int64_t ts = now_ns();
      std::memcpy(frame.data() + self->header_.size(), &ts, sizeof ts);
      self->send(std::move(frame), true);
      if (self->st_.measuring) ++self->st_.frames_sent;
      self->next_ += std::chrono::microseconds(1'000'000 / self->opts_.fps);
      self->tick();
    });
  }

  void send(std::string data, bool binary) {
    writes_.push(ws_, std::move(data), binary, shared_from_this());
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        ++self->st_.closed;
        return;
      }
      self->on_message();
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void on_message() {
    auto data = buf_.data();
    auto size = data.size();
    const char* p = static_cast<const char*>(data.data());
    if (ws_.got_binary()) {
      // 0x01 | flags | channel (16) | sender (16) | payload, whose first 8 bytes are the
      // talker's send time.
      if (size < 34 + 8 || !st_.measuring) return;
      int64_t ts;
      std::memcpy(&ts, p + 34, sizeof ts);
      ++st_.frames_received;
      st_.latencies_ms.push_back(static_cast<double>(now_ns() - ts) / 1e6);
      return;
    }
    std::string_view text(p, size);
    if (text.find(R"("type":"channel.joined")") != std::string_view::npos) ++st_.joined;
    if (text.find(R"("type":"ptt.granted")") != std::string_view::npos) ++st_.granted;
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer timer_;
  const ptt_options& opts_;
  ptt_stats& st_;
  std::string token_;
  std::string channel_;
  std::string header_;
  beast::flat_buffer buf_;
  write_queue writes_;
  clock_type::time_point next_;
  clock_type::time_point until_;
};

ptt_options parse(int argc, char** argv) {
  ptt_options o;
  parse_options(
      argc, argv, 2,
      {{"--host", [&](const std::string& v) { o.host = v; }},
       {"--port", [&](const std::string& v) { o.port = static_cast<uint16_t>(std::stoi(v)); }},
       {"--token", [&](const std::string& v) { o.token = v; }},
       {"--groups", [&](const std::string& v) { o.groups = std::stoi(v); }},
       {"--members", [&](const std::string& v) { o.members = std::stoi(v); }},
       {"--duration", [&](const std::string& v) { o.duration_s = std::stod(v); }},
       {"--fps", [&](const std::string& v) { o.fps = std::stoi(v); }},
       {"--frame-bytes",
        [&](const std::string& v) { o.frame_bytes = static_cast<size_t>(std::stoul(v)); }},
       {"--setup-threads", [&](const std::string& v) { o.setup_threads = std::stoi(v); }},
       {"--server-pid", [&](const std::string& v) { o.server_pid = std::stoi(v); }}});
  if (o.token.empty()) throw std::invalid_argument("--token (an administrator's) is required");
  if (o.frame_bytes < 8) throw std::invalid_argument("--frame-bytes must be at least 8");
  return o;
}

struct setup_result {
  std::vector<std::string> channels;
  std::vector<std::string> tokens;  ///< member i belongs to channels[i / members]
};

setup_result set_up(const ptt_options& o) {
  setup_result r;
  size_t users = static_cast<size_t>(o.groups) * static_cast<size_t>(o.members);
  auto run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  http_session admin(o.host, o.port);
  json::object limits{{"maxUsers", users + 10},
                      {"maxChannels", o.groups + 10},
                      {"maxChannelsPerTeam", o.groups + 10}};
  auto event = admin.call(verb::post, "/api/events", o.token,
                          json::object{{"name", "bench " + run}, {"limits", limits}});
  std::string event_id(event.at("id").as_string());
  auto team = admin.call(verb::post, "/api/events/" + event_id + "/teams", o.token,
                         json::object{{"name", "bench"}});
  std::string team_id(team.at("id").as_string());
  r.channels.resize(static_cast<size_t>(o.groups));
  parallel_calls(o.host, o.port, r.channels.size(), o.setup_threads,
                 [&](http_session& s, size_t i) {
                   auto c = s.call(verb::post, "/api/teams/" + team_id + "/channels", o.token,
                                   json::object{{"name", fmt::format("group {}", i)}});
                   r.channels[i] = std::string(c.at("id").as_string());
                 });
  r.tokens.resize(users);
  parallel_calls(o.host, o.port, users, o.setup_threads, [&](http_session& s, size_t i) {
    auto email = fmt::format("bench-{}-{}@loadgen.local", run, i);
    std::string password = "loadgen-passphrase-1";
    auto u = s.call(verb::post, "/api/v1/users", o.token,
                    json::object{{"email", email},
                                 {"firstName", "Bench"},
                                 {"lastName", std::to_string(i)},
                                 {"role", "user"},
                                 {"password", password}});
    std::string id(data_of(u).at("id").as_string());
    const auto& channel = r.channels[i / static_cast<size_t>(o.members)];
    s.call(verb::post, "/api/events/" + event_id + "/users", o.token,
           json::object{{"userId", id}, {"role", "USER"}, {"channelIds", json::array{channel}}});
    auto login = s.call(verb::post, "/api/v1/auth/login", {},
                        json::object{{"email", email}, {"password", password}});
    r.tokens[i] = std::string(data_of(login).at("accessToken").as_string());
  });
  return r;
}

}  // namespace

int run_ptt(int argc, char** argv) {
  ptt_options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen ptt: " << e.what()
              << "\nusage: loadgen ptt --token ADMIN_TOKEN [--port P] [--groups G] [--members M]\n"
                 "       [--duration S] [--fps F] [--frame-bytes B] [--server-pid PID]\n";
    return 2;
  }
  auto setup_started = clock_type::now();
  auto setup = set_up(o);
  fmt::print("setup: {} groups x {} members through the REST API in {:.1f} s\n", o.groups,
             o.members, std::chrono::duration<double>(clock_type::now() - setup_started).count());

  net::io_context ioc;
  ptt_stats st;
  tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  std::vector<std::shared_ptr<member>> members;
  double rss_before = rss_bytes(o.server_pid);
  size_t connected = 0;
  for (size_t i = 0; i < setup.tokens.size(); ++i) {
    auto m = std::make_shared<member>(ioc, o, st, setup.tokens[i],
                                      setup.channels[i / static_cast<size_t>(o.members)]);
    members.push_back(m);
    m->connect(ep, [&] { ++connected; });
    if (i % 200 == 199)
      run_until(
          ioc, [&] { return connected == i + 1; }, std::chrono::seconds(60));
  }
  if (!run_until(
          ioc, [&] { return st.joined == members.size(); }, std::chrono::seconds(120))) {
    fmt::print("only {} of {} sessions joined their group\n", st.joined, members.size());
    return 1;
  }
  ioc.run_for(std::chrono::milliseconds(1000));  // let the node settle before reading RSS
  double rss_idle = rss_bytes(o.server_pid);
  fmt::print(
      "sessions: {} connected and joined; node RSS {:.1f} MiB -> {:.1f} MiB "
      "({:.1f} KiB per idle session)\n",
      members.size(), rss_before / 1048576, rss_idle / 1048576,
      (rss_idle - rss_before) / static_cast<double>(members.size()) / 1024);

  std::vector<std::shared_ptr<member>> talkers;
  for (size_t g = 0; g < setup.channels.size(); ++g) {
    talkers.push_back(members[g * static_cast<size_t>(o.members)]);
  }
  for (auto& t : talkers) t->request_floor();
  if (!run_until(
          ioc, [&] { return st.granted == talkers.size(); }, std::chrono::seconds(30))) {
    fmt::print("only {} of {} talkers got the floor\n", st.granted, talkers.size());
    return 1;
  }

  // Talkers start spread over one frame interval, as independent clients would.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> spread(0, 1'000'000 / o.fps);
  auto start = clock_type::now() + std::chrono::milliseconds(100);
  auto until = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(o.duration_s));
  for (auto& t : talkers) t->talk(start + std::chrono::microseconds(spread(rng)), until);
  st.measuring = true;  // no frame is sent before `start`: every frame counted is measured
  ioc.run_until(start);
  double cpu0 = cpu_seconds(o.server_pid);
  ioc.run_until(until);
  double cpu1 = cpu_seconds(o.server_pid);
  double rss_busy = rss_bytes(o.server_pid);
  ioc.run_for(std::chrono::milliseconds(500));  // frames still in flight
  st.measuring = false;

  auto expected = st.frames_sent * static_cast<uint64_t>(o.members - 1);
  auto& l = st.latencies_ms;
  double p50 = percentile(l, 0.50), p99 = percentile(l, 0.99);
  double max = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  fmt::print(
      "audio: {} frames sent ({} fps x {} talkers, {} bytes), {} of {} deliveries "
      "({:.2f}%), {:.0f} delivered frames/s\n",
      st.frames_sent, o.fps, talkers.size(), o.frame_bytes, st.frames_received, expected,
      expected ? 100.0 * static_cast<double>(st.frames_received) / static_cast<double>(expected)
               : 0.0,
      static_cast<double>(st.frames_received) / o.duration_s);
  fmt::print("latency ms (talker send -> listener receive): p50 {:.3f}  p99 {:.3f}  max {:.3f}\n",
             p50, p99, max);
  if (o.server_pid > 0) {
    fmt::print("node: CPU {:.0f}% of one core, RSS {:.1f} MiB while talking\n",
               100 * (cpu1 - cpu0) / o.duration_s, rss_busy / 1048576);
  }
  for (auto& m : members) m->close();
  ioc.run_for(std::chrono::seconds(2));
  return 0;
}

}  // namespace loadgen
