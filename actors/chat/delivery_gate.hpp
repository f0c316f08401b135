#pragma once

#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "actors/chat/chat_messages.hpp"
#include "config/domain/chat/chat_model.hpp"

namespace sb {

/// Holds a session's chat deliveries while a resume is read, so that what the resume replays
/// and what goes on live meet without a gap, a duplicate or a change out of order: live
/// changes wait, then those the resume already holds (version at or below its mark for their
/// conversation) are dropped and the rest go out in the order they came. Used by one actor.
class delivery_gate {
 public:
  explicit delivery_gate(size_t max_held = 10'000) : max_held_(max_held) {}

  void close() { ++closed_; }

  /// Keeps `d` while closed (true); false when open: write it now. Past `max_held` the oldest
  /// deliveries are dropped and `overflowed()` says so.
  bool hold(const chat_delivery& d);

  /// Ends one resume: `marks` are its conversations' versions as it read them first, `listed`
  /// the versions above a mark it listed all the same (on PostgreSQL the conversation and its
  /// changes are read by two statements, and a change committed between them is listed
  /// though newer than the mark). The deliveries to write now (none until every resume under
  /// way has ended).
  std::vector<chat_delivery> open(const std::map<std::string, int64_t>& marks,
                                  const std::map<std::string, std::set<int64_t>>& listed = {});

  /// True for a change a resume already gave (its version at or below the resume's mark for
  /// its conversation, or listed above it): it may still arrive live after the resume's
  /// answer, as it travels through a lane while the answer did not.
  bool stale(const chat_delivery& d) const;

  bool overflowed() const { return overflowed_; }

  /// Remembers a versioned delivery written live on this connection: a later resume does not
  /// give it again (a client resumes from the version it saw before it reconnected, while
  /// this connection may already have told it newer changes).
  void written(const chat_delivery& d);

  /// Takes out of `entries` the changes this connection has told already.
  void drop_written(std::vector<chat::resume_entry>& entries) const;

 private:
  size_t max_held_;
  /// By conversation, the versions told live as ranges [first, last]: a connection hears a
  /// conversation's changes in order, so they run on (a gap is a change this connection made,
  /// which it was answered instead). At most max_held_ ranges in all.
  std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> written_;
  size_t written_count_ = 0;
  int closed_ = 0;
  bool overflowed_ = false;
  std::vector<chat_delivery> held_;
  std::map<std::string, int64_t> marks_;
  std::map<std::string, std::set<int64_t>> listed_;  ///< versions above the mark, given
};

}  // namespace sb
