#include "protocols/socketio/connection.hpp"

#include <boost/json/serialize.hpp>

#include "config/ground/crypto.hpp"

namespace sb::socketio {

connection::connection(boost::asio::io_context& ioc, const options& opts,
                       engineio::socket_ptr socket)
    : opts_(opts), socket_(std::move(socket)), connect_timer_(ioc) {}

void connection::start(std::shared_ptr<application> app) {
  std::lock_guard lock(mutex_);
  app_ = std::move(app);
  // A client that joins no namespace in time is dropped, as the Node server does.
  connect_timer_.expires_after(opts_.connect_timeout);
  connect_timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
    if (ec) return;
    auto self = weak.lock();
    if (!self) return;
    std::unique_lock lock(self->mutex_);
    if (!self->joined_.empty()) return;
    lock.unlock();
    self->close();
  });
}

std::vector<engineio::message_ptr> connection::encode_messages(
    packet p, const std::vector<std::string>& attachments) {
  if (!attachments.empty()) {
    p.attachments = static_cast<uint32_t>(attachments.size());
    if (p.type == packet_type::event) p.type = packet_type::binary_event;
    if (p.type == packet_type::ack) p.type = packet_type::binary_ack;
  }
  std::vector<engineio::message_ptr> out;
  out.reserve(1 + attachments.size());
  out.push_back(engineio::message::text(encode(p)));
  for (const auto& a : attachments) out.push_back(engineio::message::binary(a));
  return out;
}

bool connection::send(const std::vector<engineio::message_ptr>& messages) {
  return socket_->send(messages);
}

bool connection::send_packet(packet p, const std::vector<std::string>& attachments) {
  return send(encode_messages(std::move(p), attachments));
}

std::string connection::accept(const std::string& nsp) {
  auto sid = crypto::base64url_encode(crypto::random_bytes(15));
  {
    std::lock_guard lock(mutex_);
    if (closed_) return sid;
    joined_[nsp] = sid;
    connect_timer_.cancel();
  }
  send_packet(packet{packet_type::connect, nsp, {}, 0, boost::json::object{{"sid", sid}}}, {});
  return sid;
}

void connection::reject(const std::string& nsp, std::string_view message,
                        std::optional<boost::json::value> data) {
  boost::json::object body{{"message", message}};
  if (data) body["data"] = std::move(*data);
  send_packet(packet{packet_type::connect_error, nsp, {}, 0, std::move(body)}, {});
}

bool connection::emit(const std::string& nsp, const boost::json::array& args,
                      std::optional<uint64_t> ack_id, const std::vector<std::string>& attachments) {
  return send_packet(packet{packet_type::event, nsp, ack_id, 0, args}, attachments);
}

bool connection::ack(const std::string& nsp, uint64_t id, const boost::json::array& args,
                     const std::vector<std::string>& attachments) {
  return send_packet(packet{packet_type::ack, nsp, id, 0, args}, attachments);
}

void connection::disconnect(const std::string& nsp) {
  {
    std::lock_guard lock(mutex_);
    if (!joined_.erase(nsp)) return;
  }
  send_packet(packet{packet_type::disconnect, nsp, {}, 0, {}}, {});
}

void connection::close() {
  socket_->close();
}

bool connection::joined(const std::string& nsp) const {
  std::lock_guard lock(mutex_);
  return joined_.count(nsp) > 0;
}

void connection::fail() {
  // Malformed input: the reference server closes the whole Engine.IO session.
  partial_.reset();
  received_.clear();
  close();
}

void connection::on_message(std::string data, bool binary) {
  if (binary) {
    if (!partial_) return fail();  // an attachment nobody announced
    received_.push_back(std::move(data));
    if (received_.size() < partial_->attachments) return;
    auto p = std::move(*partial_);
    partial_.reset();
    return dispatch(std::move(p), std::exchange(received_, {}));
  }
  if (partial_) return fail();  // text while attachments are owed
  auto p = decode(data);
  if (!p) return fail();
  if (p->type == packet_type::connect_error) return fail();  // only servers send it
  if (p->attachments > 0) {
    partial_ = std::move(*p);
    return;
  }
  dispatch(std::move(*p), {});
}

void connection::dispatch(packet p, std::vector<std::string> attachments) {
  switch (p.type) {
    case packet_type::connect: {
      boost::json::object auth;
      if (p.data) auth = std::move(p.data->as_object());
      app_->on_connect(p.nsp, std::move(auth));
      return;
    }
    case packet_type::disconnect: {
      {
        std::lock_guard lock(mutex_);
        if (!joined_.erase(p.nsp)) return;
      }
      app_->on_disconnect(p.nsp, "client namespace disconnect");
      return;
    }
    default:
      break;
  }
  if (!joined(p.nsp)) return;  // not joined: ignored, as the reference server does
  incoming in{std::move(p.nsp), p.data ? std::move(p.data->as_array()) : boost::json::array{}, p.id,
              std::move(attachments)};
  if (p.type == packet_type::event || p.type == packet_type::binary_event) {
    app_->on_event(std::move(in));
  } else {
    app_->on_ack(std::move(in));
  }
}

void connection::on_closed(std::string_view reason) {
  std::map<std::string, std::string> left;
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    connect_timer_.cancel();
    left.swap(joined_);
  }
  for (const auto& [nsp, sid] : left) app_->on_disconnect(nsp, reason);
  app_.reset();  // the application may hold this connection: break the cycle
}

engineio::open_handler serve(boost::asio::io_context& ioc, const options& opts,
                             application_factory factory) {
  return [&ioc, &opts, factory = std::move(factory)](engineio::socket_ptr socket,
                                                     const http::request& req) {
    auto c = std::make_shared<connection>(ioc, opts, std::move(socket));
    c->start(factory(c, req));
    return c;
  };
}

}  // namespace sb::socketio
