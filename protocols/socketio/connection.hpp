#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "protocols/engineio/server.hpp"
#include "protocols/engineio/socket.hpp"
#include "protocols/http/message.hpp"
#include "protocols/socketio/packet.hpp"

namespace sb::socketio {

/// Settings of the Socket.IO layer (the Node server's option names in brackets).
struct options {
  std::chrono::milliseconds connect_timeout{45'000};  ///< [connectTimeout] to join a namespace
};

/// An event or an acknowledgement a client sent: `args` is the JSON array (an event's name
/// first), with placeholders where `attachments` go.
struct incoming {
  std::string nsp;
  boost::json::array args;
  std::optional<uint64_t> id;  ///< an event's ack id, or the id an ack answers
  std::vector<std::string> attachments;
};

class connection;

/// What the layer above does with one client's Socket.IO traffic. Called one at a time, on
/// an I/O thread; it answers through the connection, from any thread.
class application {
 public:
  virtual ~application() = default;
  /// A CONNECT to `nsp` with the client's `auth`: answer accept() or reject().
  virtual void on_connect(const std::string& nsp, boost::json::object auth) = 0;
  virtual void on_event(incoming event) = 0;
  /// An ACK answering an event the server emitted with an id.
  virtual void on_ack(incoming ack) = 0;
  /// The client left `nsp`, or the connection ended (then for every joined namespace).
  virtual void on_disconnect(const std::string& nsp, std::string_view reason) = 0;
};

/// Builds the application of a new connection; `req` is the Engine.IO handshake request.
using application_factory =
    std::function<std::shared_ptr<application>(std::shared_ptr<connection>, const http::request&)>;

/// One client's Socket.IO v5 connection over an Engine.IO session: namespaces, the connect
/// timeout, binary attachments and the packet encoding. Outbound calls are thread-safe.
class connection final : public engineio::handler, public std::enable_shared_from_this<connection> {
 public:
  connection(boost::asio::io_context& ioc, const options& opts, engineio::socket_ptr socket);

  /// Attaches the application and starts the connect timeout.
  void start(std::shared_ptr<application> app);

  /// Admits the client to `nsp` (CONNECT reply with a fresh socket id); returns the id.
  std::string accept(const std::string& nsp);
  /// Refuses a CONNECT: `44<nsp>,{"message":…[,"data":…]}`.
  void reject(const std::string& nsp, std::string_view message,
              std::optional<boost::json::value> data = std::nullopt);
  /// Emits an event (`args` = name, then arguments), with an ack id when the server wants
  /// one; a binary event when `attachments` are given. False when the client is gone.
  bool emit(const std::string& nsp, const boost::json::array& args,
            std::optional<uint64_t> ack_id = std::nullopt,
            const std::vector<std::string>& attachments = {});
  /// Answers an event's ack id.
  bool ack(const std::string& nsp, uint64_t id, const boost::json::array& args,
           const std::vector<std::string>& attachments = {});
  /// Sends already encoded messages (encode once, send to many: see encode()).
  bool send(const std::vector<engineio::message_ptr>& messages);
  /// Makes the client leave `nsp` (DISCONNECT).
  void disconnect(const std::string& nsp);
  /// Ends the whole connection.
  void close();

  /// The Engine.IO session id.
  std::string_view id() const { return socket_->id(); }

  /// True when the client has joined `nsp`.
  bool joined(const std::string& nsp) const;

  /// A packet and its attachments as Engine.IO messages, ready for send().
  static std::vector<engineio::message_ptr> encode_messages(
      packet p, const std::vector<std::string>& attachments);

  void on_message(std::string data, bool binary) override;
  void on_closed(std::string_view reason) override;

 private:
  bool send_packet(packet p, const std::vector<std::string>& attachments);
  void dispatch(packet p, std::vector<std::string> attachments);
  void fail();

  const options opts_;  // a copy: the connection may outlive the endpoint
  engineio::socket_ptr socket_;
  std::shared_ptr<application> app_;
  boost::asio::steady_timer connect_timer_;

  mutable std::mutex mutex_;
  std::map<std::string, std::string> joined_;  ///< namespace → socket id
  bool closed_ = false;
  // A binary packet waiting for its attachments (only on_message touches these).
  std::optional<packet> partial_;
  std::vector<std::string> received_;
};

/// The Engine.IO open handler that runs Socket.IO on every new session, with an application
/// from `factory` for each.
engineio::open_handler serve(boost::asio::io_context& ioc, const options& opts,
                             application_factory factory);

}  // namespace sb::socketio
