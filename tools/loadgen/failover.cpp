#include "tools/loadgen/failover.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstring>
#include <iostream>
#include <sstream>
#include <thread>

#include "tools/loadgen/common.hpp"
#include "tools/loadgen/ptt_load.hpp"
#include "tools/loadgen/raw_ws.hpp"
#include "tools/loadgen/ws_clients.hpp"

namespace loadgen {

namespace {

using clock_type = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct failover_options {
  std::string host = "127.0.0.1";
  std::vector<int> ports;  ///< the members' HTTP ports
  std::vector<int> pids;   ///< their process ids, in the same order
  std::string token;       ///< an administrator's access token
};

std::vector<int> int_list(const std::string& v) {
  std::vector<int> out;
  std::stringstream in(v);
  for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
  return out;
}

/// sb_cluster_relayed_events_total on a member (0 before its first relayed event).
long relayed(const std::string& host, int port) {
  namespace beast = boost::beast;
  boost::asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  boost::asio::ip::tcp::resolver resolver(ioc);
  stream.connect(resolver.resolve(host, std::to_string(port)));
  beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/metrics", 11};
  req.set(beast::http::field::host, host);
  beast::http::write(stream, req);
  beast::flat_buffer buffer;
  beast::http::response<beast::http::string_body> res;
  beast::http::read(stream, buffer, res);
  const std::string name = "\nsb_cluster_relayed_events_total ";
  auto at = res.body().find(name);
  return at == std::string::npos ? 0 : std::stol(res.body().substr(at + name.size()));
}

std::string start_frame(const std::string& channel) {
  return client_frame(ws_opcode::text,
                      fmt::format(R"({{"type":"ptt.start","id":"f","channel":"{}"}})", channel));
}

/// An 80-byte audio frame for `channel`, its send time in the first 8 payload bytes.
std::string audio(const std::string& channel) {
  std::string payload = std::string("\x01\x00", 2) + uuid_bytes(channel);
  auto header = payload.size();
  payload.resize(header + 80, 'o');
  int64_t ts = now_ns();
  std::memcpy(payload.data() + header, &ts, sizeof ts);
  return client_frame(ws_opcode::binary, payload);
}

/// Sends `frame` from client `i` every `every` until `done`; the time since `since`, or -1
/// after 30 s.
template <class Done>
double until(ptt_clients& clients, size_t i, const std::function<std::string()>& frame,
             std::chrono::milliseconds every, Done done, clock_type::time_point since) {
  auto deadline = clock_type::now() + 30s;
  while (clock_type::now() < deadline) {
    clients.send(i, frame());
    auto next = clock_type::now() + every;
    while (clock_type::now() < next) {
      if (done())
        return std::chrono::duration<double, std::milli>(clock_type::now() - since).count();
      std::this_thread::sleep_for(1ms);
    }
  }
  return -1;
}

}  // namespace

int run_failover(int argc, char** argv) {
  failover_options o;
  try {
    parse_options(argc, argv, 2,
                  {{"--host", [&](const std::string& v) { o.host = v; }},
                   {"--ports", [&](const std::string& v) { o.ports = int_list(v); }},
                   {"--pids", [&](const std::string& v) { o.pids = int_list(v); }},
                   {"--token", [&](const std::string& v) { o.token = v; }}});
    if (o.ports.size() != 3 || o.pids.size() != 3 || o.token.empty()) {
      throw std::invalid_argument("three --ports, three --pids and --token are required");
    }
  } catch (const std::exception& e) {
    std::cerr << "loadgen failover: " << e.what()
              << "\nusage: loadgen failover --ports P1,P2,P3 --pids A,B,C --token ADMIN_TOKEN\n";
    return 2;
  }
  auto setup = set_up_channels(o.host, static_cast<uint16_t>(o.ports[0]), o.token, 1, 3, 3);
  const auto& channel = setup.channels[0];
  ptt_clients clients(1, std::chrono::microseconds(500));
  for (size_t i = 0; i < 3; ++i) {
    clients.add(o.host, static_cast<uint16_t>(o.ports[i]), setup.tokens[i]);  // one per member
  }
  if (!wait_for([&] { return clients.joined() == 3; }, std::chrono::seconds(30))) {
    fmt::print("only {} of 3 sessions joined the group\n", clients.joined());
    return 1;
  }
  // The owner is the one member whose relay hears nothing while member 1's client talks.
  std::vector<long> before;
  for (int port : o.ports) before.push_back(relayed(o.host, port));
  clients.send(0, start_frame(channel));
  if (!wait_for([&] { return clients.granted() == 1; }, std::chrono::seconds(10))) {
    fmt::print("the first talker did not get the floor\n");
    return 1;
  }
  for (int i = 0; i < 3; ++i) clients.send(0, audio(channel));
  std::this_thread::sleep_for(500ms);
  std::vector<size_t> quiet;
  for (size_t i = 0; i < 3; ++i) {
    if (relayed(o.host, o.ports[i]) == before[i]) quiet.push_back(i);
  }
  if (quiet.size() != 1) {
    fmt::print("could not tell the owner: {} members relayed nothing\n", quiet.size());
    return 1;
  }
  auto owner = quiet[0];
  std::vector<size_t> survivors;
  for (size_t i = 0; i < 3; ++i) {
    if (i != owner) survivors.push_back(i);
  }
  clients.measure(true);
  auto granted = clients.granted();
  auto heard = clients.received();
  ::kill(o.pids[owner], SIGKILL);
  auto killed = clock_type::now();
  auto talker = survivors[0];
  double floor_ms = until(
      clients, talker, [&] { return start_frame(channel); }, 100ms,
      [&] { return clients.granted() > granted; }, killed);
  double audio_ms = until(
      clients, talker, [&] { return audio(channel); }, 20ms,
      [&] { return clients.received() > heard; }, killed);
  fmt::print("killed member {}: floor granted again after {:.0f} ms, audio heard after {:.0f} ms\n",
             owner + 1, floor_ms, audio_ms);
  fmt::print("failover {} {:.1f} {:.1f}\n", owner + 1, floor_ms, audio_ms);
  return floor_ms < 0 || audio_ms < 0 ? 1 : 0;
}

}  // namespace loadgen
