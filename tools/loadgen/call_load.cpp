#include "tools/loadgen/call_load.hpp"

#include <fmt/format.h>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/websocket.hpp>

#include <chrono>
#include <iostream>
#include <map>
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
using verb = beast::http::verb;

// Call setups through the native signaling (docs/protocol.md, "Calls"): `pairs` callers and
// callees, one device each; callers place `calls` calls at `rate` per second (round robin
// over the pairs), each callee answers its call.incoming at once, and every call stays up
// until all are established (so `calls` are live at the end), then all are ended.
struct call_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string token;  ///< an administrator's access token, for the setup
  int calls = 1000;
  int pairs = 50;
  double rate = 500;  ///< invites per second
  int setup_threads = 8;
  int server_pid = 0;
  std::string run;  ///< digits prefixed to the users' extensions; empty = a random one
};

struct call_stats {
  std::unordered_map<std::string, clock_type::time_point> invited;  ///< by request id
  std::unordered_map<std::string, std::string> call_of;             ///< request id → call id
  std::unordered_map<std::string, clock_type::time_point> rang;     ///< by call id
  std::unordered_map<std::string, clock_type::time_point> active;   ///< by call id
  size_t ok = 0;
  size_t errors = 0;
  size_t ended = 0;
  std::string first_error;
};

/// One device: a native WebSocket of a user that answers every call that rings it.
class device final : public native_device {
 public:
  device(net::io_context& ioc, const call_options& o, call_stats& st, std::string token)
      : native_device(ioc, o.host, std::move(token)), st_(st) {}

  void invite(const std::string& extension, const std::string& request_id) {
    st_.invited[request_id] = clock_type::now();
    write(fmt::format(R"({{"type":"call.invite","id":"{}","to":"{}"}})", request_id, extension));
  }

  void end(const std::string& call_id) {
    write(fmt::format(R"({{"type":"call.end","id":"end","call_id":"{}"}})", call_id));
  }

 private:
  void on_message(const json::object& m, std::string_view text,
                  clock_type::time_point now) override {
    auto type = m.at("type").as_string();
    if (type == "call.incoming") {
      std::string call_id(m.at("call_id").as_string());
      st_.rang[call_id] = now;
      write(fmt::format(R"({{"type":"call.answer","id":"a","call_id":"{}"}})", call_id));
    } else if (type == "call.participant_joined") {
      st_.active[std::string(m.at("call_id").as_string())] = now;
    } else if (type == "call.ok" && m.at("id").is_string()) {
      std::string id(m.at("id").as_string());
      if (id == "end") {
        ++st_.ended;
      } else if (id != "a") {
        st_.call_of[id] = std::string(m.at("call").at("id").as_string());
        ++st_.ok;
      }
    } else if (type == "error") {
      if (st_.first_error.empty()) st_.first_error = std::string(text);
      ++st_.errors;
    }
  }

  call_stats& st_;
};

call_options parse(int argc, char** argv) {
  call_options o;
  parse_options(
      argc, argv, 2,
      {{"--host", [&](const std::string& v) { o.host = v; }},
       {"--port", [&](const std::string& v) { o.port = static_cast<uint16_t>(std::stoi(v)); }},
       {"--token", [&](const std::string& v) { o.token = v; }},
       {"--calls", [&](const std::string& v) { o.calls = std::stoi(v); }},
       {"--pairs", [&](const std::string& v) { o.pairs = std::stoi(v); }},
       {"--rate", [&](const std::string& v) { o.rate = std::stod(v); }},
       {"--setup-threads", [&](const std::string& v) { o.setup_threads = std::stoi(v); }},
       {"--server-pid", [&](const std::string& v) { o.server_pid = std::stoi(v); }},
       {"--run", [&](const std::string& v) { o.run = v; }}});
  if (o.token.empty()) throw std::invalid_argument("--token (an administrator's) is required");
  if (o.pairs < 1 || o.calls < 1 || o.rate <= 0) throw std::invalid_argument("bad sizes");
  if (o.run.find_first_not_of("0123456789") != std::string::npos) {
    throw std::invalid_argument("--run takes digits");
  }
  return o;
}

/// Users 2i (callers) and 2i+1 (callees, extension <run><i>) with their tokens.
std::vector<std::string> set_up(const call_options& o, const std::string& run) {
  auto users = bench_users(o.host, o.port, o.token, static_cast<size_t>(o.pairs) * 2,
                           "calls-" + run, o.setup_threads, [&](json::object& user, size_t i) {
                             if (i % 2 == 1) user["extension"] = run + std::to_string(i / 2);
                           });
  std::vector<std::string> tokens;
  for (auto& u : users) tokens.push_back(std::move(u.token));
  return tokens;
}

std::vector<double> ms_between(const call_stats& st,
                               const std::unordered_map<std::string, clock_type::time_point>& to) {
  std::vector<double> out;
  for (const auto& [request, call_id] : st.call_of) {
    auto t = to.find(call_id);
    if (t == to.end()) continue;
    out.push_back(
        std::chrono::duration<double, std::milli>(t->second - st.invited.at(request)).count());
  }
  return out;
}

}  // namespace

int run_calls(int argc, char** argv) {
  call_options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen calls: " << e.what()
              << "\nusage: loadgen calls --token ADMIN_TOKEN [--port P] [--calls N] [--pairs P]\n"
                 "       [--rate R] [--server-pid PID] [--run DIGITS (reuse a run's users)]\n";
    return 2;
  }
  // Extensions are digits (up to 10): a random 7-digit run prefix keeps runs on one database
  // apart, even the hundreds of a soak (tools/soak.sh).
  auto run = o.run.empty() ? std::to_string(std::random_device{}() % 9'000'000 + 1'000'000) : o.run;
  auto setup_started = clock_type::now();
  auto tokens = set_up(o, run);
  fmt::print("setup: {} callers and {} callees through the REST API in {:.1f} s\n", o.pairs,
             o.pairs, std::chrono::duration<double>(clock_type::now() - setup_started).count());

  net::io_context ioc;
  call_stats st;
  tcp::endpoint ep(net::ip::make_address(o.host), o.port);
  std::vector<std::shared_ptr<device>> devices;
  size_t ready = 0;
  for (const auto& t : tokens) {
    devices.push_back(std::make_shared<device>(ioc, o, st, t));
    devices.back()->connect(ep, [&] { ++ready; });
  }
  if (!run_until(
          ioc, [&] { return ready == devices.size(); }, std::chrono::seconds(60))) {
    fmt::print("only {} of {} devices registered\n", ready, devices.size());
    return 1;
  }

  double cpu_before = cpu_seconds(o.server_pid);
  auto start = clock_type::now();
  auto gap =
      std::chrono::duration_cast<clock_type::duration>(std::chrono::duration<double>(1.0 / o.rate));
  for (int k = 0; k < o.calls; ++k) {
    ioc.run_until(start + gap * k);
    auto pair = static_cast<size_t>(k % o.pairs);
    devices[pair * 2]->invite(run + std::to_string(pair), std::to_string(k));
  }
  auto all_active = [&] { return st.active.size() + st.errors >= static_cast<size_t>(o.calls); };
  bool done = run_until(ioc, all_active, std::chrono::seconds(120));
  auto established = clock_type::now();
  double cpu = cpu_seconds(o.server_pid) - cpu_before;
  double rss = rss_bytes(o.server_pid);
  run_until(
      ioc, [&] { return st.ok + st.errors >= static_cast<size_t>(o.calls); },
      std::chrono::seconds(30));

  auto rang = ms_between(st, st.rang);
  auto active = ms_between(st, st.active);
  double secs = std::chrono::duration<double>(established - start).count();
  fmt::print("calls: {} placed at {:.0f}/s, {} active at once{}, {} errors{}\n", o.calls, o.rate,
             st.active.size(), done ? "" : " (timed out)", st.errors,
             st.first_error.empty() ? "" : " (first: " + st.first_error + ")");
  fmt::print("setups: {:.0f}/s (invite → active, {} calls in {:.2f} s)\n",
             static_cast<double>(st.active.size()) / secs, st.active.size(), secs);
  fmt::print("invite → incoming ms: p50 {:.2f}  p99 {:.2f}  max {:.2f}  ({} samples)\n",
             percentile(rang, 0.5), percentile(rang, 0.99), percentile(rang, 1.0), rang.size());
  fmt::print("invite → active ms:   p50 {:.2f}  p99 {:.2f}  max {:.2f}\n", percentile(active, 0.5),
             percentile(active, 0.99), percentile(active, 1.0));
  if (o.server_pid) {
    fmt::print(
        "node: {:.2f} CPU s for the setups ({:.0f} µs per call), RSS {:.1f} MiB with {} live "
        "calls\n",
        cpu, cpu * 1e6 / static_cast<double>(std::max<size_t>(1, st.active.size())), rss / 1048576,
        st.active.size());
  }
  // End every call (the callers hang up) and wait for the answers.
  for (const auto& [request, call_id] : st.call_of) {
    devices[static_cast<size_t>(std::stoi(request) % o.pairs) * 2]->end(call_id);
  }
  run_until(
      ioc, [&] { return st.ended >= st.call_of.size(); }, std::chrono::seconds(60));
  fmt::print("ended: {} of {}\n", st.ended, st.call_of.size());
  for (auto& d : devices) d->close();
  ioc.run_for(std::chrono::milliseconds(200));
  return done && st.errors == 0 ? 0 : 1;
}

}  // namespace loadgen
