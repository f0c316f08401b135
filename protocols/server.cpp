#include "protocols/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>

#include "actors/runtime/metrics.hpp"
#include "protocols/http/problem.hpp"
#include "protocols/ws/connection_impl.hpp"
#include "protocols/ws/connection_registry.hpp"
#include "protocols/ws/handshake.hpp"

namespace sb::protocols {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;

namespace {

struct http_metrics {
  metrics::gauge& open = metrics::global().get_gauge("sb_connections", "Open client connections",
                                                     {{"protocol", "http"}});
  metrics::counter& accepted =
      metrics::global().get_counter("sb_connections_accepted_total", "TCP connections accepted");
  metrics::histogram& latency = metrics::global().get_histogram(
      "sb_http_request_seconds", "Time from a complete request to its response",
      metrics::latency_bounds());

  // Status classes keep the label set small: 1xx to 5xx (index 0 is unused).
  std::array<metrics::counter*, 6> by_class = [] {
    std::array<metrics::counter*, 6> out{};
    for (unsigned cls = 1; cls < out.size(); ++cls) {
      out[cls] = &metrics::global().get_counter("sb_http_requests_total",
                                                "HTTP responses sent, by status class",
                                                {{"class", std::to_string(cls) + "xx"}});
    }
    return out;
  }();

  metrics::counter& requests(unsigned status) {
    return *by_class[std::clamp(status / 100, 1u, 5u)];
  }
};

http_metrics& hm() {
  static http_metrics m;
  return m;
}

http::request to_request(const bhttp::request<bhttp::string_body>& in, const std::string& remote) {
  http::request out;
  out.method = std::string(in.method_string());
  out.target = std::string(in.target());
  auto q = out.target.find('?');
  out.path = out.target.substr(0, q);
  if (q != std::string::npos) out.query = out.target.substr(q + 1);
  for (const auto& field : in) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out.headers.emplace_back(std::move(name), std::string(field.value()));
  }
  out.body = in.body();
  out.remote_address = remote;
  return out;
}

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(net::io_context& ioc, const config::http_config& h, const config::ws_config& w,
       server_handlers hs)
      : ioc(ioc),
        http_cfg(h),
        ws_cfg(w),
        handlers(std::move(hs)),
        acceptor(net::make_strand(ioc)),
        retry_timer(acceptor.get_executor()),
        registry(std::make_shared<ws::connection_registry>()) {}

  void do_accept();

  net::io_context& ioc;
  config::http_config http_cfg;
  config::ws_config ws_cfg;
  server_handlers handlers;
  tcp::acceptor acceptor;
  net::steady_timer retry_timer;
  std::shared_ptr<ws::connection_registry> registry;
  std::atomic<bool> stopping{false};
};

namespace {

/// One HTTP/1.1 connection: reads a request, hands it to the API, writes the response, and
/// repeats while keep-alive holds. Upgrades hand the socket to a ws::connection.
class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket socket, std::shared_ptr<server::impl> server)
      : stream_(std::move(socket)), server_(std::move(server)) {
    hm().open.add(1);
    beast::error_code ec;
    auto ep = stream_.socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  ~http_session() { hm().open.add(-1); }

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

 private:
  void do_read() {
    parser_.emplace();
    parser_->body_limit(server_->http_cfg.body_limit);
    parser_->header_limit(static_cast<uint32_t>(server_->http_cfg.header_limit));
    stream_.expires_after(server_->http_cfg.request_timeout);
    bhttp::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::connection_reset || ec == net::error::operation_aborted) {
      return do_close();
    }
    if (ec == bhttp::error::body_limit) {
      return write(http::problem(errc::payload_too_large,
                                 "request body exceeds " +
                                     std::to_string(server_->http_cfg.body_limit) + " bytes"),
                   false);
    }
    if (ec == bhttp::error::header_limit) {
      return write(http::problem(errc::headers_too_large,
                                 "request line and headers exceed " +
                                     std::to_string(server_->http_cfg.header_limit) + " bytes"),
                   false);
    }
    if (ec) return write(http::problem(errc::bad_request, "malformed HTTP request"), false);

    started_ = std::chrono::steady_clock::now();
    auto& in = parser_->get();
    bool keep_alive = in.keep_alive();
    auto req = to_request(in, remote_);
    // For the access log: the path only. Query strings may carry credentials (?api_key=).
    log_method_ = req.method;
    log_path_ = req.path;
    if (ws::is_upgrade(req)) return upgrade(std::move(req));
    auto self = shared_from_this();
    server_->handlers.on_request(std::move(req), [self, keep_alive](http::response res) {
      net::post(self->stream_.get_executor(), [self, keep_alive, res = std::move(res)]() mutable {
        self->write(std::move(res), keep_alive);
      });
    });
  }

  void upgrade(http::request req) {
    if (auto refusal = ws::check_upgrade(req)) return write(std::move(*refusal), false);
    std::string key(req.header("sec-websocket-key"));
    auto self = shared_from_this();
    server_->handlers.on_upgrade(std::move(req), [self, key](upgrade_result result) {
      net::post(self->stream_.get_executor(), [self, key, result = std::move(result)]() mutable {
        if (auto* refusal = std::get_if<http::response>(&result)) {
          return self->write(std::move(*refusal), false);
        }
        self->accept_websocket(key, std::move(std::get<ws_accept>(result)));
      });
    });
  }

  void accept_websocket(const std::string& key, ws_accept accept) {
    spdlog::debug("{} {} {} 101", remote_, log_method_, log_path_);
    stream_.expires_never();
    auto data = buffer_.data();
    std::string leftover(static_cast<const char*>(data.data()), data.size());
    auto conn = std::make_shared<ws::connection>(stream_.release_socket(), server_->ws_cfg,
                                                 server_->registry);
    conn->start(ws::switching_protocols(key, accept.subprotocol), std::move(leftover),
                std::move(accept.attach));
  }

  void write(http::response res, bool keep_alive) {
    if (server_->stopping.load()) keep_alive = false;
    hm().requests(res.status).inc();
    if (started_) {
      auto seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - *started_).count();
      hm().latency.observe(seconds);
      spdlog::debug("{} {} {} {} {:.2f}ms", remote_, log_method_, log_path_, res.status,
                    seconds * 1000);
      started_.reset();
    }
    auto out = std::make_shared<bhttp::response<bhttp::string_body>>();
    out->version(11);
    out->result(res.status);
    out->set(bhttp::field::server, "switchboard");
    for (auto& [name, value] : res.headers) out->insert(name, value);
    out->body() = std::move(res.body);
    out->keep_alive(keep_alive);
    out->prepare_payload();
    stream_.expires_after(server_->http_cfg.request_timeout);
    bhttp::async_write(stream_, *out,
                       [self = shared_from_this(), out, keep_alive](beast::error_code ec, size_t) {
                         if (ec || !keep_alive) return self->do_close();
                         self->do_read();
                       });
  }

  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::shared_ptr<server::impl> server_;
  std::string remote_;
  std::optional<std::chrono::steady_clock::time_point> started_;
  std::string log_method_;
  std::string log_path_;
};

}  // namespace

void server::impl::do_accept() {
  acceptor.async_accept(net::make_strand(ioc),
                        [self = shared_from_this()](beast::error_code ec, tcp::socket socket) {
                          if (ec == net::error::operation_aborted || !self->acceptor.is_open())
                            return;
                          if (ec) {
                            // E.g. out of file descriptors: back off instead of spinning.
                            spdlog::warn("accept failed: {}", ec.message());
                            self->retry_timer.expires_after(std::chrono::milliseconds(100));
                            self->retry_timer.async_wait([self](beast::error_code e) {
                              if (!e) self->do_accept();
                            });
                            return;
                          }
                          hm().accepted.inc();
                          beast::error_code ignored;
                          socket.set_option(tcp::no_delay(true), ignored);
                          std::make_shared<http_session>(std::move(socket), self)->run();
                          self->do_accept();
                        });
}

server::server(net::io_context& ioc, const config::http_config& http, const config::ws_config& ws,
               server_handlers handlers)
    : impl_(std::make_shared<impl>(ioc, http, ws, std::move(handlers))) {}

server::~server() {
  stop_accepting();
}

uint16_t server::listen(const std::string& host, uint16_t port) {
  tcp::endpoint endpoint{net::ip::make_address(host), port};
  auto& a = impl_->acceptor;
  a.open(endpoint.protocol());
  a.set_option(net::socket_base::reuse_address(true));
  a.bind(endpoint);
  a.listen(net::socket_base::max_listen_connections);
  uint16_t bound = a.local_endpoint().port();
  net::dispatch(a.get_executor(), [self = impl_] { self->do_accept(); });
  return bound;
}

void server::stop_accepting() {
  impl_->stopping.store(true);
  net::dispatch(impl_->acceptor.get_executor(), [self = impl_] {
    beast::error_code ignored;
    self->acceptor.close(ignored);
    self->retry_timer.cancel();
  });
}

void server::close_websockets(uint16_t code, const std::string& reason) {
  for (auto& conn : impl_->registry->snapshot()) conn->close(code, reason);
}

void server::abort_websockets() {
  for (auto& conn : impl_->registry->snapshot()) conn->abort();
}

size_t server::websocket_count() const {
  return impl_->registry->size();
}

}  // namespace sb::protocols
