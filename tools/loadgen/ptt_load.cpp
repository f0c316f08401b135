#include "tools/loadgen/ptt_load.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/http_setup.hpp"
#include "tools/loadgen/raw_ws.hpp"
#include "tools/loadgen/ws_clients.hpp"

namespace loadgen {

namespace {

namespace beast = boost::beast;
namespace json = boost::json;
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
  int reader_threads = 2;        ///< threads receiving the audio (ptt_clients)
  int poll_us = 1000;            ///< how often they poll their sockets
  std::vector<int> server_pids;  ///< for CPU and RSS figures (a cluster's members: summed)
  /// Other cluster members' ports: members connect round-robin over --port and these (each
  /// group's talker to --port), so that the group's listeners are spread over the members.
  std::vector<uint16_t> spread_ports;
};

double nodes_cpu_seconds(const ptt_options& o) {
  double sum = 0;
  for (int pid : o.server_pids) sum += cpu_seconds(pid);
  return sum;
}

double nodes_rss_bytes(const ptt_options& o) {
  double sum = 0;
  for (int pid : o.server_pids) sum += rss_bytes(pid);
  return sum;
}

std::vector<int> comma_list(const std::string& v) {
  std::vector<int> out;
  std::stringstream in(v);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

/// Sends every talker's frames at `fps` from `start` to `until`, talker t offset by
/// `offsets[t]` (< one frame interval), each frame carrying its send time in its first 8
/// payload bytes. Returns the frames sent.
uint64_t pace_talkers(ptt_clients& clients, const std::vector<size_t>& talkers,
                      const std::vector<std::string>& channels, std::vector<int64_t> offsets_us,
                      const ptt_options& o, clock_type::time_point start,
                      clock_type::time_point until) {
  // Native audio from a client: 0x01 | flags | channel (16) | payload.
  std::vector<std::string> headers;
  for (const auto& c : channels) headers.push_back(std::string("\x01\x00", 2) + uuid_bytes(c));
  std::vector<size_t> order(talkers.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return offsets_us[a] < offsets_us[b]; });
  auto period = std::chrono::microseconds(1'000'000 / o.fps);
  uint64_t sent = 0;
  for (auto round = start; round < until; round += period) {
    for (auto t : order) {
      std::this_thread::sleep_until(round + std::chrono::microseconds(offsets_us[t]));
      std::string payload = headers[t];
      payload.resize(headers[t].size() + o.frame_bytes, 'o');
      int64_t ts = now_ns();
      std::memcpy(payload.data() + headers[t].size(), &ts, sizeof ts);
      if (clients.send(talkers[t], client_frame(ws_opcode::binary, payload))) ++sent;
    }
  }
  return sent;
}

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
       {"--reader-threads", [&](const std::string& v) { o.reader_threads = std::stoi(v); }},
       {"--poll-us", [&](const std::string& v) { o.poll_us = std::stoi(v); }},
       {"--server-pid", [&](const std::string& v) { o.server_pids = comma_list(v); }},
       {"--spread-ports", [&](const std::string& v) {
          for (int port : comma_list(v)) o.spread_ports.push_back(static_cast<uint16_t>(port));
        }}});
  if (o.token.empty()) throw std::invalid_argument("--token (an administrator's) is required");
  if (o.reader_threads < 1) throw std::invalid_argument("--reader-threads must be at least 1");
  if (o.frame_bytes < 8) throw std::invalid_argument("--frame-bytes must be at least 8");
  return o;
}

}  // namespace

std::string uuid_bytes(const std::string& uuid) {
  std::string out;
  for (size_t i = 0; i + 1 < uuid.size(); ++i) {
    if (uuid[i] == '-') continue;
    out.push_back(static_cast<char>(std::stoi(uuid.substr(i, 2), nullptr, 16)));
    ++i;
  }
  return out;
}

channel_setup set_up_channels(const std::string& host, uint16_t port, const std::string& token,
                              int groups, int members, int setup_threads) {
  channel_setup r;
  size_t users = static_cast<size_t>(groups) * static_cast<size_t>(members);
  auto run = std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  http_session admin(host, port);
  json::object limits{
      {"maxUsers", users + 10}, {"maxChannels", groups + 10}, {"maxChannelsPerTeam", groups + 10}};
  auto event = admin.call(verb::post, "/api/events", token,
                          json::object{{"name", "bench " + run}, {"limits", limits}});
  std::string event_id(event.at("id").as_string());
  auto team = admin.call(verb::post, "/api/events/" + event_id + "/teams", token,
                         json::object{{"name", "bench"}});
  std::string team_id(team.at("id").as_string());
  r.channels.resize(static_cast<size_t>(groups));
  parallel_calls(host, port, r.channels.size(), setup_threads, [&](http_session& s, size_t i) {
    auto c = s.call(verb::post, "/api/teams/" + team_id + "/channels", token,
                    json::object{{"name", fmt::format("group {}", i)}});
    r.channels[i] = std::string(c.at("id").as_string());
  });
  r.tokens.resize(users);
  parallel_calls(host, port, users, setup_threads, [&](http_session& s, size_t i) {
    auto email = fmt::format("bench-{}-{}@loadgen.local", run, i);
    std::string password = "loadgen-passphrase-1";
    auto u = s.call(verb::post, "/api/v1/users", token,
                    json::object{{"email", email},
                                 {"firstName", "Bench"},
                                 {"lastName", std::to_string(i)},
                                 {"role", "user"},
                                 {"password", password}});
    std::string id(data_of(u).at("id").as_string());
    const auto& channel = r.channels[i / static_cast<size_t>(members)];
    s.call(verb::post, "/api/events/" + event_id + "/users", token,
           json::object{{"userId", id}, {"role", "USER"}, {"channelIds", json::array{channel}}});
    auto login = s.call(verb::post, "/api/v1/auth/login", {},
                        json::object{{"email", email}, {"password", password}});
    r.tokens[i] = std::string(data_of(login).at("accessToken").as_string());
  });
  return r;
}

int run_ptt(int argc, char** argv) {
  ptt_options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen ptt: " << e.what()
              << "\nusage: loadgen ptt --token ADMIN_TOKEN [--port P] [--groups G] [--members M]\n"
                 "       [--duration S] [--fps F] [--frame-bytes B] [--reader-threads N]\n"
                 "       [--poll-us MICROSECONDS]\n"
                 "       [--server-pid PID[,PID...]] [--spread-ports P2[,P3...]]\n";
    return 2;
  }
  auto setup_started = clock_type::now();
  auto setup = set_up_channels(o.host, o.port, o.token, o.groups, o.members, o.setup_threads);
  fmt::print("setup: {} groups x {} members through the REST API in {:.1f} s\n", o.groups,
             o.members, std::chrono::duration<double>(clock_type::now() - setup_started).count());

  ptt_clients clients(o.reader_threads, std::chrono::microseconds(o.poll_us));
  double rss_before = nodes_rss_bytes(o);
  std::vector<uint16_t> ports{o.port};
  ports.insert(ports.end(), o.spread_ports.begin(), o.spread_ports.end());
  for (size_t i = 0; i < setup.tokens.size(); ++i) {
    clients.add(o.host, ports[i % static_cast<size_t>(o.members) % ports.size()], setup.tokens[i]);
  }
  auto members = setup.tokens.size();
  if (!wait_for([&] { return clients.joined() == members; }, std::chrono::seconds(120))) {
    fmt::print("only {} of {} sessions joined their group\n", clients.joined(), members);
    return 1;
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // let the node settle before reading RSS
  double rss_idle = nodes_rss_bytes(o);
  fmt::print(
      "sessions: {} connected and joined; node RSS {:.1f} MiB -> {:.1f} MiB "
      "({:.1f} KiB per idle session)\n",
      members, rss_before / 1048576, rss_idle / 1048576,
      (rss_idle - rss_before) / static_cast<double>(members) / 1024);

  // The first member of each group talks.
  std::vector<size_t> talkers;
  for (size_t g = 0; g < setup.channels.size(); ++g) {
    talkers.push_back(g * static_cast<size_t>(o.members));
    clients.send(talkers.back(),
                 client_frame(ws_opcode::text,
                              fmt::format(R"({{"type":"ptt.start","id":"s","channel":"{}"}})",
                                          setup.channels[g])));
  }
  if (!wait_for([&] { return clients.granted() == talkers.size(); }, std::chrono::seconds(30))) {
    fmt::print("only {} of {} talkers got the floor\n", clients.granted(), talkers.size());
    return 1;
  }

  // Talkers start spread over one frame interval, as independent clients would.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int64_t> spread(0, 1'000'000 / o.fps - 1);
  std::vector<int64_t> offsets_us;
  for (size_t t = 0; t < talkers.size(); ++t) offsets_us.push_back(spread(rng));
  auto start = clock_type::now() + std::chrono::milliseconds(100);
  auto until = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(o.duration_s));
  clients.measure(true);  // no frame is sent before `start`: every frame counted is measured
  double cpu0 = nodes_cpu_seconds(o), own_cpu0 = cpu_seconds(::getpid());
  auto frames_sent =
      pace_talkers(clients, talkers, setup.channels, std::move(offsets_us), o, start, until);
  double cpu1 = nodes_cpu_seconds(o), own_cpu1 = cpu_seconds(::getpid());
  double rss_busy = nodes_rss_bytes(o);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // frames still in flight
  clients.stop();

  auto expected = frames_sent * static_cast<uint64_t>(o.members - 1);
  auto received = clients.received();
  auto l = clients.latencies_ms();
  double p50 = percentile(l, 0.50), p99 = percentile(l, 0.99);
  double max = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  fmt::print(
      "audio: {} frames sent ({} fps x {} talkers, {} bytes), {} of {} deliveries "
      "({:.2f}%), {:.0f} delivered frames/s\n",
      frames_sent, o.fps, talkers.size(), o.frame_bytes, received, expected,
      expected ? 100.0 * static_cast<double>(received) / static_cast<double>(expected) : 0.0,
      static_cast<double>(received) / o.duration_s);
  fmt::print("latency ms (talker send -> listener receive): p50 {:.3f}  p99 {:.3f}  max {:.3f}\n",
             p50, p99, max);
  if (!o.server_pids.empty()) {
    fmt::print("node: CPU {:.0f}% of one core, RSS {:.1f} MiB while talking\n",
               100 * (cpu1 - cpu0) / o.duration_s, rss_busy / 1048576);
  }
  fmt::print("loadgen: CPU {:.0f}% of one core\n", 100 * (own_cpu1 - own_cpu0) / o.duration_s);
  if (clients.closed() > 0) fmt::print("{} connections closed by the node\n", clients.closed());
  return 0;
}

}  // namespace loadgen
