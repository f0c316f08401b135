#pragma once

// Synchronous HTTP/1.1 over one kept-alive connection, for setting a benchmark up through the
// node's public REST API (not for measuring it).

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tools/loadgen/common.hpp"

namespace loadgen {

class http_session {
 public:
  http_session(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  /// Sends a JSON request and returns the parsed JSON body; throws unless the status is 2xx.
  boost::json::value call(boost::beast::http::verb method, const std::string& target,
                          const std::string& token, const boost::json::value& body = nullptr) {
    namespace http = boost::beast::http;
    for (int attempt = 0;; ++attempt) {
      try {
        if (!open_) connect();
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, host_);
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        if (!body.is_null()) {
          req.set(http::field::content_type, "application/json");
          req.body() = boost::json::serialize(body);
        }
        req.prepare_payload();
        http::write(stream_, req);
        http::response<http::string_body> res;
        http::read(stream_, buffer_, res);
        if (!res.keep_alive()) open_ = false;
        if (res.result_int() / 100 != 2) {
          throw std::runtime_error(target + ": HTTP " + std::to_string(res.result_int()) + " " +
                                   res.body());
        }
        return res.body().empty() ? boost::json::value() : boost::json::parse(res.body());
      } catch (const boost::system::system_error&) {
        open_ = false;  // a closed keep-alive connection: reconnect once
        if (attempt > 0) throw;
      }
    }
  }

 private:
  void connect() {
    boost::beast::error_code ec;
    stream_.socket().close(ec);
    stream_.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address(host_), port_));
    open_ = true;
  }

  std::string host_;
  uint16_t port_;
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_{ioc_};
  boost::beast::flat_buffer buffer_;
  bool open_ = false;
};

/// Runs fn(session, i) for i in [0, n) on `threads` threads, each with its own connection.
inline void parallel_calls(const std::string& host, uint16_t port, size_t n, int threads,
                           const std::function<void(http_session&, size_t)>& fn) {
  std::vector<std::thread> pool;
  std::exception_ptr failure;
  std::mutex m;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      http_session s(host, port);
      for (size_t i = static_cast<size_t>(t); i < n; i += static_cast<size_t>(threads)) {
        try {
          fn(s, i);
        } catch (...) {
          std::lock_guard g(m);
          if (!failure) failure = std::current_exception();
          return;
        }
      }
    });
  }
  for (auto& th : pool) th.join();
  if (failure) std::rethrow_exception(failure);
}

/// A user a benchmark made (or found from an earlier run with the same label).
struct bench_user {
  std::string token;
  std::string id;
};

/// Users "<label>-<i>@loadgen.local" for i in [0, n), made through the REST API with the
/// administrator's token (`extra` adds fields, e.g. an extension), logged in on `threads`
/// connections. A label given again reuses its users.
inline std::vector<bench_user> bench_users(
    const std::string& host, uint16_t port, const std::string& admin, size_t n,
    const std::string& label, int threads,
    const std::function<void(boost::json::object&, size_t)>& extra = {}) {
  std::vector<bench_user> users(n);
  parallel_calls(host, port, n, threads, [&](http_session& s, size_t i) {
    namespace verb = boost::beast::http;
    auto email = label + "-" + std::to_string(i) + "@loadgen.local";
    std::string password = "loadgen-passphrase-1";
    boost::json::object user{{"email", email},
                             {"firstName", "Bench"},
                             {"lastName", std::to_string(i)},
                             {"role", "user"},
                             {"password", password}};
    if (extra) extra(user, i);
    auto login = [&] {
      return s.call(verb::verb::post, "/api/v1/auth/login", {},
                    boost::json::object{{"email", email}, {"password", password}});
    };
    boost::json::value session;
    try {
      session = login();
    } catch (const std::runtime_error&) {
      s.call(verb::verb::post, "/api/v1/users", admin, user);
      session = login();
    }
    const auto& data = data_of(session);
    users[i] = {std::string(data.at("accessToken").as_string()),
                std::string(data.at("user").at("id").as_string())};
  });
  return users;
}

}  // namespace loadgen
