#include "actors/ptt/membership_news.hpp"

#include <caf/all.hpp>

#include "actors/chat/conversation.hpp"
#include "actors/cluster/node_news.hpp"
#include "actors/runtime/atoms.hpp"

namespace sb {

void announce_channel_change(const directory_actor& directory, const membership_actor& cluster,
                             const std::string& tenant_id, const std::string& user_id,
                             const persistence::channel_change& change) {
  auto tell = [&](caf::message msg) { tell_directories(directory, cluster, msg); };
  // Only a live entity is told (activate = false): an idle one reads its members when it wakes.
  for (const auto* channels : {&change.added, &change.removed}) {
    for (const auto& channel : *channels) {
      tell(caf::make_message(forward_atom::value, conversation_key(tenant_id, channel),
                             caf::make_message(chat_members_atom::value), false));
    }
  }
  for (const auto& channel : change.removed) {
    tell(caf::make_message(forward_atom::value, "group:" + channel,
                           caf::make_message(membership_atom::value), false));
    tell(caf::make_message(
        tell_atom::value, "user:" + user_id,
        caf::make_message(membership_atom::value, channel, false, change.dispatcher)));
  }
  for (const auto& channel : change.added) {
    tell(caf::make_message(
        tell_atom::value, "user:" + user_id,
        caf::make_message(membership_atom::value, channel, true, change.dispatcher)));
  }
}

}  // namespace sb
