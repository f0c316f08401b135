// authbench: the cost of authentication, as recorded in docs/performance.md.
//
//   authbench                         hot path: verify an access token and check the cached
//                                     user (what every HTTP request and WebSocket upgrade pays),
//                                     plus argon2id hash/verify at the default cost
//   authbench --login PORT EMAIL PASSWORD [THREADS] [SECONDS]
//                                     login throughput of a running node over HTTP
//
// Figures are wall-clock on the current machine; run on an otherwise idle machine.

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "actors/identity/auth_cache.hpp"
#include "actors/identity/token_service.hpp"
#include "config/ground/crypto.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

template <class F>
double ns_per_op(size_t iterations, F f) {
  for (size_t i = 0; i < iterations / 10; ++i) f();  // warm up
  auto start = clock_type::now();
  for (size_t i = 0; i < iterations; ++i) f();
  return std::chrono::duration<double, std::nano>(clock_type::now() - start).count() /
         static_cast<double>(iterations);
}

int hot_path() {
  sb::token_service tokens(sb::crypto::random_hex(32), 900);
  sb::auth_cache cache;
  sb::persistence::user_record user;
  user.id = sb::crypto::random_uuid();
  user.tenant_id = sb::crypto::random_uuid();
  user.role = "admin";
  user.status = "active";
  int64_t now = std::time(nullptr);
  auto token = tokens.issue(user, now);
  cache.put_user(user.id, {user.tenant_id, user.role, "active", 0, false, true},
                 cache.generation());
  volatile bool sink = false;
  double verify = ns_per_op(200'000, [&] { sink = tokens.verify(token, now).has_value(); });
  double full = ns_per_op(200'000, [&] {
    auto claims = tokens.verify(token, now);
    auto state = cache.user(claims->user_id);
    sink = state && state->status == "active" && state->token_version == claims->version;
  });
  double key = ns_per_op(200'000, [&] {
    sink = cache
               .key(sb::crypto::sha256_hex(
                        "app_0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"),
                    0)
               .has_value();
  });
  fmt::print("token bytes: {}\n", token.size());
  fmt::print("verify access token (HMAC-SHA-256 + claims): {:.0f} ns\n", verify);
  fmt::print("verify + cached user check (HTTP/WS hot path): {:.0f} ns\n", full);
  fmt::print("API key hash + cache lookup: {:.0f} ns\n", key);
  (void)sink;

  sb::crypto::password_cost cost;  // the defaults: argon2id, 2 passes, 64 MiB
  auto start = clock_type::now();
  auto hash = sb::crypto::hash_password("correct-Horse-battery-9", cost);
  auto hashed = std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
  start = clock_type::now();
  for (int i = 0; i < 5; ++i) sb::crypto::verify_password(hash, "correct-Horse-battery-9");
  auto verified = std::chrono::duration<double, std::milli>(clock_type::now() - start).count() / 5;
  fmt::print("argon2id hash at the default cost (ops 2, 64 MiB): {:.1f} ms\n", hashed);
  fmt::print("argon2id verify at the default cost: {:.1f} ms (at most {:.0f} logins/s per core)\n",
             verified, 1000.0 / verified);
  return 0;
}

int login_load(uint16_t port, const std::string& email, const std::string& password, int threads,
               int seconds) {
  namespace beast = boost::beast;
  namespace http = beast::http;
  namespace net = boost::asio;
  std::string body =
      boost::json::serialize(boost::json::object{{"email", email}, {"password", password}});
  std::atomic<int64_t> ok{0}, failed{0};
  std::vector<double> all_ms;
  std::mutex m;
  auto until = clock_type::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      net::io_context ioc;
      std::vector<double> mine;
      while (clock_type::now() < until) {
        try {
          beast::tcp_stream stream(ioc);
          stream.connect(net::ip::tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
          http::request<http::string_body> req{http::verb::post, "/api/v1/auth/login", 11};
          req.set(http::field::host, "127.0.0.1");
          req.set(http::field::content_type, "application/json");
          req.body() = body;
          req.prepare_payload();
          auto start = clock_type::now();
          http::write(stream, req);
          beast::flat_buffer buf;
          http::response<http::string_body> res;
          http::read(stream, buf, res);
          mine.push_back(
              std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
          (res.result_int() == 200 ? ok : failed)++;
        } catch (const std::exception&) {
          failed++;
        }
      }
      std::lock_guard g{m};
      all_ms.insert(all_ms.end(), mine.begin(), mine.end());
    });
  }
  for (auto& t : pool) t.join();
  std::sort(all_ms.begin(), all_ms.end());
  auto pct = [&](double p) {
    return all_ms.empty() ? 0 : all_ms[std::min(all_ms.size() - 1, size_t(p * all_ms.size()))];
  };
  fmt::print(
      "logins: {} ok, {} failed in {} s with {} clients: {:.1f} logins/s; p50 {:.1f} ms, p99 "
      "{:.1f} ms\n",
      ok.load(), failed.load(), seconds, threads, double(ok.load()) / seconds, pct(0.5), pct(0.99));
  return failed.load() > 0 ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return hot_path();
  if (args[0] == "--login" && args.size() >= 4) {
    int threads = args.size() > 4 ? std::stoi(args[4]) : 4;
    int seconds = args.size() > 5 ? std::stoi(args[5]) : 10;
    return login_load(static_cast<uint16_t>(std::stoi(args[1])), args[2], args[3], threads,
                      seconds);
  }
  std::cerr << "usage: authbench | authbench --login PORT EMAIL PASSWORD [THREADS] [SECONDS]\n";
  return 2;
}
