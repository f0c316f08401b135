#include "protocols/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <optional>

#include "config/ground/connection_quota.hpp"
#include "config/ground/log_throttle.hpp"
#include "config/ground/metrics.hpp"
#include "config/ground/proxy_trust.hpp"
#include "protocols/http/problem.hpp"
#include "protocols/http/request_reader.hpp"
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
  metrics::counter& refused = metrics::global().get_counter(
      "sb_connections_refused_total", "TCP connections answered 503: their address held too many",
      {{"reason", "per_address"}});
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

http_metrics& http_counters() {
  static http_metrics m;
  return m;
}

log_throttle& parser_failure_log() {
  static log_throttle t{10};
  return t;
}

}  // namespace

struct server::impl : std::enable_shared_from_this<server::impl> {
  impl(net::io_context& ioc, const config::http_config& h, const config::ws_config& w,
       server_handlers hs)
      : ioc(ioc),
        http_cfg(h),
        proxies(proxy_trust::parse(h.trust_proxy)),
        ws_cfg(w),
        handlers(std::move(hs)),
        acceptor(net::make_strand(ioc)),
        retry_timer(acceptor.get_executor()),
        registry(std::make_shared<ws::connection_registry>()) {}

  void do_accept();
  /// Starts an HTTP session for a new connection, or refuses it when its address holds
  /// http.max_connections_per_address already (both listeners share the count).
  void admit(tcp::socket socket);

  net::io_context& ioc;
  config::http_config http_cfg;
  proxy_trust proxies;  ///< http.trust_proxy: whose X-Forwarded-* are believed
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
  /// `address_slot`: this connection's place in its address's quota; none when the address
  /// was over it (see refuse).
  http_session(tcp::socket socket, std::shared_ptr<server::impl> server, std::string remote,
               std::shared_ptr<void> address_slot)
      : address_slot_(std::move(address_slot)),
        stream_(std::move(socket)),
        reader_(server->http_cfg.header_limit, server->http_cfg.body_limit),
        server_(std::move(server)),
        remote_(std::move(remote)) {
    http_counters().open.add(1);
  }
  ~http_session() { http_counters().open.add(-1); }

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->do_read(); });
  }

  /// Answers 503 overloaded and closes: the address holds http.max_connections_per_address.
  void refuse() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      self->write(http::problem(errc::overloaded, "too many connections from this address", "/"),
                  false);
    });
  }

 private:
  void do_read() {
    stream_.expires_after(server_->http_cfg.request_timeout);
    read_buffered();
  }

  // Our own read loop around the reader (rather than bhttp::async_read), so that anything the
  // parser throws ends this connection only instead of unwinding an I/O thread.
  void read_buffered() {
    auto outcome = reader_.parse();
    using result = http::request_reader::result;
    if (outcome == result::need_more) {
      stream_.async_read_some(reader_.prepare(),
                              [self = shared_from_this()](beast::error_code ec, size_t n) {
                                if (ec) return self->on_read_error(ec);
                                self->reader_.commit(n);
                                self->read_buffered();
                              });
      return;
    }
    if (outcome == result::complete) return on_request(reader_.take());
    if (outcome == result::body_too_large) {
      return write(http::problem(errc::payload_too_large,
                                 "request body exceeds " +
                                     std::to_string(server_->http_cfg.body_limit) + " bytes"),
                   false);
    }
    if (outcome == result::header_too_large) {
      return write(http::problem(errc::headers_too_large,
                                 "request line and headers exceed " +
                                     std::to_string(server_->http_cfg.header_limit) + " bytes"),
                   false);
    }
    uint64_t suppressed = 0;
    if (!reader_.failure().empty() && parser_failure_log().allow(suppressed)) {
      spdlog::warn("{}: unparsable HTTP request ({}; {} more like it not logged)", remote_,
                   reader_.failure(), suppressed);
    }
    write(http::problem(errc::bad_request, "malformed HTTP request"), false);
  }

  /// The socket ended, failed or timed out before a whole request came: nothing to answer.
  void on_read_error(beast::error_code) { do_close(); }

  void on_request(http::request_reader::complete_request in) {
    started_ = std::chrono::steady_clock::now();
    bool keep_alive = in.keep_alive;
    auto req = std::move(in.req);
    // Behind a trusted proxy the client is who it says it was, and so is the scheme.
    req.remote_address = server_->proxies.client_address(remote_, req.header("x-forwarded-for"));
    if (server_->proxies.trusts_peer(remote_)) {
      auto proto = req.header("x-forwarded-proto");
      req.secure = proto.substr(0, proto.find(',')) == "https";
    }
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
    auto leftover = reader_.take_leftover();
    auto conn = std::make_shared<ws::connection>(stream_.release_socket(), server_->ws_cfg,
                                                 server_->registry, std::move(address_slot_));
    conn->start(ws::switching_protocols(key, accept.subprotocol), std::move(leftover),
                std::move(accept.attach));
  }

  void write(http::response res, bool keep_alive) {
    if (server_->stopping.load()) keep_alive = false;
    http_counters().requests(res.status).inc();
    if (started_) {
      auto seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - *started_).count();
      http_counters().latency.observe(seconds);
      spdlog::debug("{} {} {} {} {:.2f}ms", remote_, log_method_, log_path_, res.status,
                    seconds * 1000);
      started_.reset();
    }
    if (res.stream) return write_streamed(std::move(res), keep_alive);
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
                         self->after_response(ec, keep_alive);
                       });
  }

  void after_response(beast::error_code ec, bool keep_alive) {
    if (ec || !keep_alive) return do_close();
    do_read();
  }

  /// Writes the head, then the body piece by piece as the source produces it.
  void write_streamed(http::response res, bool keep_alive) {
    auto head = std::make_shared<bhttp::response<bhttp::empty_body>>();
    head->version(11);
    head->result(res.status);
    head->set(bhttp::field::server, "switchboard");
    for (auto& [name, value] : res.headers) head->insert(name, value);
    head->content_length(res.stream->size);
    head->keep_alive(keep_alive);
    auto sr = std::make_shared<bhttp::response_serializer<bhttp::empty_body>>(*head);
    stream_.expires_after(server_->http_cfg.request_timeout);
    bhttp::async_write_header(stream_, *sr,
                              [self = shared_from_this(), head, sr, source = res.stream,
                               keep_alive](beast::error_code ec, size_t) {
                                if (ec) return self->do_close();
                                self->write_piece(source, 0, keep_alive);
                              });
  }

  void write_piece(std::shared_ptr<const http::body_source> source, uint64_t offset,
                   bool keep_alive) {
    if (offset >= source->size) return after_response({}, keep_alive);
    constexpr uint64_t kPiece = 64 * 1024;
    auto self = shared_from_this();
    source->read(offset, std::min(kPiece, source->size - offset),
                 [self, source, offset, keep_alive](std::string piece) {
                   net::post(self->stream_.get_executor(), [self, source, offset, keep_alive,
                                                            piece = std::move(piece)]() mutable {
                     if (piece.empty()) return self->do_close();  // the head promised more
                     auto bytes = std::make_shared<std::string>(std::move(piece));
                     self->stream_.expires_after(self->server_->http_cfg.request_timeout);
                     net::async_write(
                         self->stream_, net::buffer(*bytes),
                         [self, source, offset, keep_alive, bytes](beast::error_code ec, size_t n) {
                           if (ec) return self->do_close();
                           self->write_piece(source, offset + n, keep_alive);
                         });
                   });
                 });
  }

  /// Stops sending, then reads and drops what the client still sends for up to
  /// http.linger_ms: closing a socket with unread bytes resets the connection, and the reset
  /// can destroy the answer (a 413, a 431) before the client has read it.
  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(server_->http_cfg.linger);
    reader_.discard();
    drain();
  }

  void drain() {
    stream_.async_read_some(reader_.prepare(),
                            [self = shared_from_this()](beast::error_code ec, size_t) {
                              if (!ec) self->drain();  // the buffer is never committed: dropped
                            });
  }

  std::shared_ptr<void> address_slot_;  // declared first: released after the socket closed
  beast::tcp_stream stream_;
  http::request_reader reader_;
  std::shared_ptr<server::impl> server_;
  std::string remote_;
  std::optional<std::chrono::steady_clock::time_point> started_;
  std::string log_method_;
  std::string log_path_;
};

}  // namespace

void server::impl::admit(tcp::socket socket) {
  static connection_quota per_address;
  beast::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  std::string remote = ec ? std::string() : endpoint.address().to_string();
  auto slot = per_address.acquire(remote, http_cfg.max_connections_per_address);
  auto session =
      std::make_shared<http_session>(std::move(socket), shared_from_this(), remote, slot);
  if (slot) return session->run();
  http_counters().refused.inc();
  session->refuse();
}

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
                          http_counters().accepted.inc();
                          beast::error_code ignored;
                          socket.set_option(tcp::no_delay(true), ignored);
                          self->admit(std::move(socket));
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
