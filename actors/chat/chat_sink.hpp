#pragma once

#include <caf/actor_addr.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/local_actor.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "actors/chat/chat_messages.hpp"
#include "actors/chat/delivery_gate.hpp"
#include "config/domain/chat/chat_model.hpp"

namespace sb {

/// A connection's end of the chat fan-out. Conversations (and their lanes) write a member's
/// connections through it directly, from any thread, without a message to the session actor
/// per event; the session actor holds it back while a resume is read (delivery_gate). A change
/// the connection itself caused is not written: that connection gets the request's answer.
class chat_sink {
 public:
  explicit chat_sink(caf::actor_addr session, size_t max_held = 10'000)
      : session_(std::move(session)), gate_(max_held) {}
  virtual ~chat_sink() = default;
  chat_sink(const chat_sink&) = delete;
  chat_sink& operator=(const chat_sink&) = delete;

  /// Writes `batch` in order, less what is held back, stale or this connection's own.
  void deliver(std::span<const chat_delivery* const> batch);
  void deliver(const chat_delivery& d);

  /// Holds what comes from now on until `release` (a resume is being read).
  void hold();
  /// Takes out of `entries` what this connection has told already.
  void drop_written(std::vector<chat::resume_entry>& entries);
  /// Ends a resume that answered `resumed` (empty: it failed): what was held goes out, less
  /// what the resume gave, and what it gave is not told again live. A connection that held
  /// more than it may is closed, so that its client resumes again rather than miss anything.
  void release(const std::vector<chat::resume_entry>& resumed);

 protected:
  /// Writes `batch` to the connection (called under the sink's lock, in order).
  virtual void write(const std::vector<const chat_delivery*>& batch) = 0;
  /// Closes the connection: it missed events (the resume overflowed).
  virtual void close_overflowed() = 0;

 private:
  /// Fills `writing_` with what of `batch` goes out now (under the lock).
  void select_writable(std::span<const chat_delivery* const> batch);

  const caf::actor_addr session_;
  std::mutex mutex_;
  delivery_gate gate_;
  /// Reused under the lock: a delivery to thousands of sinks allocates nothing per sink.
  std::vector<const chat_delivery*> writing_;
};

using chat_sink_ptr = std::shared_ptr<chat_sink>;
/// A sink held by someone who must not keep the connection alive (a presence's watchers).
using chat_sink_ref = std::weak_ptr<chat_sink>;

/// The chat sinks of this node's connections, by user id: a conversation finds its members'
/// connections here. Thread-safe; `generation` changes whenever a sink comes or goes, so that
/// a conversation rebuilds its list of connections only then.
class chat_sink_registry {
 public:
  void add(const std::string& user_id, chat_sink_ptr sink);
  void remove(const std::string& user_id, const chat_sink* sink);
  /// Appends the sinks of `user_ids` to `out`.
  void collect(const std::vector<std::string>& user_ids, std::vector<chat_sink_ptr>& out) const;
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, std::vector<chat_sink_ptr>> by_user_;
  std::atomic<uint64_t> generation_{0};
};

/// Puts `sink` (the connection of `self`, a session of `user_id`) in `registry` until `self`
/// ends.
void register_chat_sink(caf::local_actor* self, const std::shared_ptr<chat_sink_registry>& registry,
                        const std::string& user_id, const chat_sink_ptr& sink);

}  // namespace sb

// A watch names a connection of this node: it never crosses nodes.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(sb::chat_sink_ref)
