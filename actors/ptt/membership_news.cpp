#include "actors/ptt/membership_news.hpp"

#include <caf/all.hpp>

#include "actors/chat/conversation.hpp"
#include "actors/runtime/atoms.hpp"

namespace sb {

namespace {

/// Tells a live entity only: an idle one reads its members when it wakes.
void tell_if_live(const directory_actor& directory, const std::string& id, caf::message msg) {
  caf::anon_send(directory, forward_atom::value, id, std::move(msg), false);
}

}  // namespace

void announce_channel_change(const directory_actor& directory, const std::string& tenant_id,
                             const std::string& user_id,
                             const persistence::channel_change& change) {
  for (const auto* channels : {&change.added, &change.removed}) {
    for (const auto& channel : *channels) {
      tell_if_live(directory, conversation_key(tenant_id, channel),
                   caf::make_message(chat_members_atom::value));
    }
  }
  for (const auto& channel : change.removed) {
    tell_if_live(directory, "group:" + channel, caf::make_message(membership_atom::value));
    caf::anon_send(directory, tell_atom::value, "user:" + user_id,
                   caf::make_message(membership_atom::value, channel, false, change.dispatcher));
  }
  for (const auto& channel : change.added) {
    caf::anon_send(directory, tell_atom::value, "user:" + user_id,
                   caf::make_message(membership_atom::value, channel, true, change.dispatcher));
  }
}

}  // namespace sb
