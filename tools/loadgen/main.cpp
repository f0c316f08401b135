// loadgen: opens N WebSocket sessions against a Switchboard node and drives `echo` and `ping`
// requests, then prints throughput, latency percentiles and the node's commit batch sizes.
//
//   loadgen --port 8080 --sessions 100 --duration 10 --rate 0 --window 4 --echo 1.0
//   loadgen ptt --port 8080 --token ADMIN --groups 1 --members 5000 --fps 50   (ptt_load.hpp)
//   loadgen calls --port 8080 --token ADMIN --calls 1000 --pairs 50 --rate 500  (call_load.hpp)
//   loadgen chat --port 8080 --token ADMIN --users 100 --devices 10 --duration 10  (chat_load.cpp)
//   loadgen sio --port 8080 --token ADMIN --members 1000 --rate 50   (sio_load.hpp: Socket.IO)
//   loadgen webhooks --port 8080 --app APP_ID --secret SECRET --senders 64   (webhook_load.hpp)
//   loadgen tcpcost --connections 5000 --fps 50     (tcp_cost.hpp: the kernel's price, alone)
//
// --rate 0 runs closed-loop: each session keeps --window requests outstanding. A positive
// --rate is the total requests per second across all sessions (open loop, paced per session).

#include <fmt/format.h>
#include <sys/resource.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

#include "tools/loadgen/call_load.hpp"
#include "tools/loadgen/chat_load.hpp"
#include "tools/loadgen/common.hpp"
#include "tools/loadgen/failover.hpp"
#include "tools/loadgen/ptt_load.hpp"
#include "tools/loadgen/sio_load.hpp"
#include "tools/loadgen/tcp_cost.hpp"
#include "tools/loadgen/webhook_load.hpp"

namespace net = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  int sessions = 100;
  double duration_s = 10;
  double rate = 0;  // total requests/s; 0 = closed loop
  int window = 4;
  double echo_fraction = 1.0;
  size_t text_bytes = 32;
  int connect_parallelism = 200;
  std::string token;  ///< access token (Authorization: Bearer) or, starting with app_, an API key
};

struct stats {
  uint64_t sent = 0;
  uint64_t ok = 0;
  uint64_t connect_failures = 0;
  uint64_t closed = 0;
  uint64_t skipped = 0;  // open loop: window full at a tick
  std::map<std::string, uint64_t> errors;
  std::vector<double> latencies_ms;
  int connected = 0;
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(net::io_context& ioc, const options& opts, stats& st, std::mt19937& rng)
      : ws_(ioc), timer_(ioc), opts_(opts), st_(st), rng_(rng) {
    text_ = std::string(opts.text_bytes, 'x');
  }

  template <class Done>
  void connect(tcp::endpoint ep, Done done) {
    beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(ws_).async_connect(ep, [self = shared_from_this(),
                                                    done](beast::error_code ec) {
      if (ec) return self->failed(done);
      beast::get_lowest_layer(self->ws_).expires_never();
      self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
      auto target = std::string("/ws");
      if (self->opts_.token.starts_with("app_")) {
        target += "?api_key=" + self->opts_.token;
      } else if (!self->opts_.token.empty()) {
        self->ws_.set_option(websocket::stream_base::decorator([t = self->opts_.token](auto& req) {
          req.set(beast::http::field::authorization, "Bearer " + t);
        }));
      }
      self->ws_.async_handshake(self->opts_.host, target, [self, done](beast::error_code ec2) {
        if (ec2) return self->failed(done);
        ++self->st_.connected;
        self->open_ = true;
        self->read();
        done();
      });
    });
  }

  void start(clock_type::time_point until) {
    until_ = until;
    if (!open_) return;
    if (opts_.rate > 0) {
      interval_ = std::chrono::duration<double>(opts_.sessions / opts_.rate);
      // Spread sessions over one interval so that ticks do not all coincide.
      std::uniform_real_distribution<double> d(0, interval_.count());
      schedule(clock_type::now() + std::chrono::duration_cast<clock_type::duration>(
                                       std::chrono::duration<double>(d(rng_))));
    } else {
      for (int i = 0; i < opts_.window; ++i) send_request();
    }
  }

  void stop() {
    stopping_ = true;
    timer_.cancel();
    if (open_) {
      open_ = false;
      ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](auto) {});
    }
  }

 private:
  template <class Done>
  void failed(Done done) {
    ++st_.connect_failures;
    done();
  }

  void schedule(clock_type::time_point at) {
    next_tick_ = at;
    timer_.expires_at(at);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->stopping_) return;
      if (static_cast<int>(self->pending_.size()) < self->opts_.window) {
        self->send_request();
      } else {
        ++self->st_.skipped;
      }
      self->schedule(self->next_tick_ +
                     std::chrono::duration_cast<clock_type::duration>(self->interval_));
    });
  }

  void send_request() {
    if (stopping_ || clock_type::now() >= until_) return;
    uint64_t id = next_id_++;
    std::uniform_real_distribution<double> d(0, 1);
    std::string msg = d(rng_) < opts_.echo_fraction
                          ? fmt::format(R"({{"type":"echo","id":{},"text":"{}"}})", id, text_)
                          : fmt::format(R"({{"type":"ping","id":{}}})", id);
    pending_[id] = clock_type::now();
    ++st_.sent;
    writes_.push(ws_, std::move(msg), false, shared_from_this());
  }

  void read() {
    ws_.async_read(buf_, [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) {
        if (self->open_) ++self->st_.closed;
        self->open_ = false;
        return;
      }
      self->on_message(beast::buffers_to_string(self->buf_.data()));
      self->buf_.consume(self->buf_.size());
      self->read();
    });
  }

  void on_message(const std::string& text) {
    boost::json::error_code ec;
    auto doc = boost::json::parse(text, ec);
    if (ec || !doc.is_object()) return;
    auto& obj = doc.as_object();
    auto* id = obj.if_contains("id");
    if (!id || !id->is_int64()) return;
    auto it = pending_.find(static_cast<uint64_t>(id->as_int64()));
    if (it == pending_.end()) return;
    auto ms = std::chrono::duration<double, std::milli>(clock_type::now() - it->second).count();
    pending_.erase(it);
    auto type = obj.at("type").as_string();
    if (type == "error") {
      ++st_.errors[std::string(obj.at("code").as_string())];
    } else {
      ++st_.ok;
      st_.latencies_ms.push_back(ms);
    }
    if (opts_.rate <= 0) send_request();
  }

  websocket::stream<beast::tcp_stream> ws_;
  net::steady_timer timer_;
  const options& opts_;
  stats& st_;
  std::mt19937& rng_;
  beast::flat_buffer buf_;
  loadgen::write_queue writes_;
  bool open_ = false;
  bool stopping_ = false;
  std::unordered_map<uint64_t, clock_type::time_point> pending_;
  uint64_t next_id_ = 1;
  std::string text_;
  clock_type::time_point until_;
  clock_type::time_point next_tick_;
  std::chrono::duration<double> interval_{0};
};

// Reads the node's sb_store_batch_size sum and count from /metrics.
std::pair<double, double> batch_totals(const options& opts) {
  try {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(net::ip::make_address(opts.host), opts.port));
    beast::http::request<beast::http::empty_body> req{beast::http::verb::get, "/metrics", 11};
    req.set(beast::http::field::host, opts.host);
    beast::http::write(stream, req);
    beast::flat_buffer buf;
    beast::http::response<beast::http::string_body> res;
    beast::http::read(stream, buf, res);
    std::smatch m;
    double sum = 0;
    double count = 0;
    const auto& body = res.body();
    if (std::regex_search(body, m, std::regex(R"(sb_store_batch_size_sum ([0-9.e+]+))"))) {
      sum = std::stod(m[1]);
    }
    if (std::regex_search(body, m, std::regex(R"(sb_store_batch_size_count ([0-9]+))"))) {
      count = std::stod(m[1]);
    }
    return {sum, count};
  } catch (const std::exception&) {
    return {0, 0};
  }
}

options parse(int argc, char** argv) {
  options o;
  if (argc > 1 && (std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h")) {
    std::cout << "loadgen [--host H] [--port P] [--sessions N] [--duration S] [--rate R]\n"
                 "        [--window W] [--echo FRACTION] [--text-bytes B] [--token T]\n"
                 "--token: an access token, or an app API key (app_…)\n"
                 "loadgen ptt|calls|chat|sio|webhooks …: run without options for their usage\n"
                 "loadgen tcpcost [--connections N] [--fps F] [--bytes B] [--duration S]\n";
    std::exit(0);
  }
  loadgen::parse_options(
      argc, argv, 1,
      {{"--host", [&](const std::string& v) { o.host = v; }},
       {"--port", [&](const std::string& v) { o.port = static_cast<uint16_t>(std::stoi(v)); }},
       {"--sessions", [&](const std::string& v) { o.sessions = std::stoi(v); }},
       {"--duration", [&](const std::string& v) { o.duration_s = std::stod(v); }},
       {"--rate", [&](const std::string& v) { o.rate = std::stod(v); }},
       {"--window", [&](const std::string& v) { o.window = std::stoi(v); }},
       {"--echo", [&](const std::string& v) { o.echo_fraction = std::stod(v); }},
       {"--text-bytes",
        [&](const std::string& v) { o.text_bytes = static_cast<size_t>(std::stoul(v)); }},
       {"--token", [&](const std::string& v) { o.token = v; }}});
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  // Every mode holds thousands of sockets.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  for (auto [name, run] :
       {std::pair{"ptt", &loadgen::run_ptt}, std::pair{"webhooks", &loadgen::run_webhooks},
        std::pair{"calls", &loadgen::run_calls}, std::pair{"chat", &loadgen::run_chat},
        std::pair{"sio", &loadgen::run_sio}, std::pair{"tcpcost", &loadgen::run_tcp_cost},
        std::pair{"failover", &loadgen::run_failover}}) {
    if (argc < 2 || std::string(argv[1]) != name) continue;
    try {
      return run(argc, argv);
    } catch (const std::exception& e) {
      std::cerr << "loadgen " << name << ": " << e.what() << "\n";
      return 1;
    }
  }
  options opts;
  try {
    opts = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen: " << e.what() << "\n";
    return 2;
  }
  net::io_context ioc;
  stats st;
  std::mt19937 rng(42);
  tcp::endpoint ep(net::ip::make_address(opts.host), opts.port);
  std::vector<std::shared_ptr<session>> sessions;
  for (int i = 0; i < opts.sessions; ++i) {
    sessions.push_back(std::make_shared<session>(ioc, opts, st, rng));
  }

  // Connect with bounded parallelism, so the server's accept queue is not flooded.
  auto connect_started = clock_type::now();
  size_t next = 0;
  int in_progress = 0;
  std::function<void()> launch = [&] {
    while (in_progress < opts.connect_parallelism && next < sessions.size()) {
      ++in_progress;
      sessions[next++]->connect(ep, [&] {
        --in_progress;
        launch();
      });
    }
  };
  launch();
  while (in_progress > 0 || next < sessions.size()) ioc.run_one();
  auto connect_s = std::chrono::duration<double>(clock_type::now() - connect_started).count();

  auto [sum0, count0] = batch_totals(opts);
  auto started = clock_type::now();
  auto until = started + std::chrono::duration_cast<clock_type::duration>(
                             std::chrono::duration<double>(opts.duration_s));
  for (auto& s : sessions) s->start(until);
  ioc.run_until(until);
  // Let outstanding replies arrive, then close.
  ioc.run_for(std::chrono::milliseconds(500));
  auto elapsed = std::chrono::duration<double>(clock_type::now() - started).count() - 0.5;
  auto [sum1, count1] = batch_totals(opts);
  for (auto& s : sessions) s->stop();
  ioc.run_for(std::chrono::seconds(2));

  auto& l = st.latencies_ms;
  double p50 = loadgen::percentile(l, 0.50);
  double p90 = loadgen::percentile(l, 0.90);
  double p99 = loadgen::percentile(l, 0.99);
  double p999 = loadgen::percentile(l, 0.999);
  double max = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  fmt::print("sessions: {} connected, {} failed (connect took {:.2f} s)\n", st.connected,
             st.connect_failures, connect_s);
  fmt::print("requests: {} sent, {} ok, {} closed sessions, {} ticks skipped (window full)\n",
             st.sent, st.ok, st.closed, st.skipped);
  for (const auto& [code, n] : st.errors) fmt::print("errors: {} {}\n", code, n);
  fmt::print("throughput: {:.0f} replies/s over {:.1f} s\n", static_cast<double>(st.ok) / elapsed,
             elapsed);
  fmt::print("latency ms: p50 {:.3f}  p90 {:.3f}  p99 {:.3f}  p99.9 {:.3f}  max {:.3f}\n", p50, p90,
             p99, p999, max);
  if (count1 > count0) {
    fmt::print("store: {:.0f} commits, mean batch {:.1f} jobs\n", count1 - count0,
               (sum1 - sum0) / (count1 - count0));
  }
  return st.connect_failures > 0 ? 1 : 0;
}
