#include "tools/loadgen/webhook_load.hpp"

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "protocols/auth/jwt.hpp"
#include "tools/loadgen/common.hpp"

namespace loadgen {

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using clock_type = std::chrono::steady_clock;

struct webhook_options {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;
  std::string app;
  std::string secret;
  int senders = 64;
  double duration_s = 10;
  int server_pid = 0;
};

webhook_options parse(int argc, char** argv) {
  webhook_options o;
  parse_options(
      argc, argv, 2,
      {{"--host", [&](const std::string& v) { o.host = v; }},
       {"--port", [&](const std::string& v) { o.port = static_cast<uint16_t>(std::stoi(v)); }},
       {"--app", [&](const std::string& v) { o.app = v; }},
       {"--secret", [&](const std::string& v) { o.secret = v; }},
       {"--senders", [&](const std::string& v) { o.senders = std::stoi(v); }},
       {"--duration", [&](const std::string& v) { o.duration_s = std::stod(v); }},
       {"--server-pid", [&](const std::string& v) { o.server_pid = std::stoi(v); }}});
  if (o.app.empty() || o.secret.empty())
    throw std::invalid_argument("--app and --secret are required");
  return o;
}

struct sender_result {
  std::vector<double> latencies_ms;
  std::map<unsigned, uint64_t> failures;  ///< by HTTP status (0 = connection error)
};

/// One sender: a kept-alive connection, one request at a time, until `until`.
void send_loop(const webhook_options& o, int index, clock_type::time_point until,
               sender_result& out) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address(o.host), o.port));
  stream.socket().set_option(tcp::no_delay(true));
  beast::flat_buffer buffer;
  auto target = "/webhooks/dialpad/" + o.app;
  auto base = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::system_clock::now().time_since_epoch())
                  .count();
  for (int64_t i = 0; clock_type::now() < until; ++i) {
    boost::json::object claims{{"call_id", int64_t{index} * 1'000'000'000 + i},
                               {"state", "ringing"},
                               {"direction", "inbound"},
                               {"external_number", "+15105550123"},
                               {"internal_number", "+15105559876"},
                               {"date_started", base + i},
                               {"event_timestamp", base + i}};
    http::request<http::string_body> req{http::verb::post, target, 11};
    req.set(http::field::host, o.host);
    req.set(http::field::content_type, "application/jwt");
    req.body() = sb::jwt::sign_hs256(claims, o.secret);
    req.prepare_payload();
    auto sent = clock_type::now();
    http::response<http::string_body> res;
    try {
      http::write(stream, req);
      http::read(stream, buffer, res);
    } catch (const std::exception&) {
      ++out.failures[0];
      return;
    }
    if (res.result_int() != 200) {
      ++out.failures[res.result_int()];
      continue;
    }
    out.latencies_ms.push_back(
        std::chrono::duration<double, std::milli>(clock_type::now() - sent).count());
  }
}

}  // namespace

int run_webhooks(int argc, char** argv) {
  webhook_options o;
  try {
    o = parse(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "loadgen webhooks: " << e.what()
              << "\nusage: loadgen webhooks --app APP_ID --secret WEBHOOK_SECRET [--port P]\n"
                 "       [--senders N] [--duration S] [--server-pid PID]\n";
    return 2;
  }
  std::vector<sender_result> results(static_cast<size_t>(o.senders));
  std::vector<std::thread> threads;
  auto start = clock_type::now();
  auto until = start + std::chrono::duration_cast<clock_type::duration>(
                           std::chrono::duration<double>(o.duration_s));
  double cpu0 = cpu_seconds(o.server_pid);
  for (int i = 0; i < o.senders; ++i) {
    threads.emplace_back([&, i] { send_loop(o, i, until, results[static_cast<size_t>(i)]); });
  }
  for (auto& t : threads) t.join();
  double elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
  double cpu1 = cpu_seconds(o.server_pid);
  std::vector<double> all;
  std::map<unsigned, uint64_t> failures;
  for (auto& r : results) {
    all.insert(all.end(), r.latencies_ms.begin(), r.latencies_ms.end());
    for (auto& [code, n] : r.failures) failures[code] += n;
  }
  double max = all.empty() ? 0 : *std::max_element(all.begin(), all.end());
  double p50 = percentile(all, 0.50), p99 = percentile(all, 0.99);
  fmt::print("webhooks: {} acknowledged by {} senders in {:.1f} s: {:.0f}/s\n", all.size(),
             o.senders, elapsed, static_cast<double>(all.size()) / elapsed);
  fmt::print("ack latency ms: p50 {:.2f}  p99 {:.2f}  max {:.2f}\n", p50, p99, max);
  for (auto& [code, n] : failures) fmt::print("failed: {} x {}\n", n, code ? code : 0u);
  if (o.server_pid > 0) {
    fmt::print("node: CPU {:.0f}% of one core\n", 100 * (cpu1 - cpu0) / elapsed);
  }
  return failures.empty() ? 0 : 1;
}

}  // namespace loadgen
