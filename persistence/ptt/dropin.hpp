#pragma once

#include <optional>
#include <string>
#include <vector>

#include "persistence/ptt/control_plane.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

// The VoicePing drop-in router mode (docs/protocol.md, "Drop-in router mode"): a foreign
// issuer's router tokens name users and channels by its own ids. The first time one is seen it
// is provisioned in the mode's tenant and event, and its id is linked to ours.

/// An id as a foreign client wrote it: its text, and whether it was a MessagePack integer.
struct external_id {
  std::string text;
  bool is_number = false;
  bool operator==(const external_id&) const = default;
};

/// One link between a foreign id and ours.
struct id_link {
  enum class kind { user, channel };
  kind what = kind::user;
  external_id external;
  std::string internal;
};

/// Where drop-in users and channels live.
struct dropin_scope {
  std::string tenant_id;
  std::string event_id;
};

/// The tenant named `tenant_name` and its event named `event_name`, each created when missing
/// (the event without approval, and with room for a whole router's users and channels).
dropin_scope open_dropin_scope(soci::session& sql, const std::string& tenant_name,
                               const std::string& event_name);

/// Every link of the tenant, to fill the node's id map at start.
std::vector<id_link> dropin_links(soci::session& sql, const std::string& tenant_id);

/// What admitting a user or changing a membership committed.
struct dropin_change {
  std::string user_id;                 ///< ours
  std::optional<std::string> channel;  ///< ours, for a membership change
  std::vector<id_link> new_links;      ///< made by this change
  channel_change channels;             ///< channels the user now hears, or no longer
};

/// A user named by a foreign token: provisioned on first sight (an active user of the tenant,
/// with a member's place in the event); the token's channels are created when new and the user
/// becomes a member of each (memberships are only ever added here, as the original router
/// did).
dropin_change admit_dropin_user(soci::session& sql, const dropin_scope& scope,
                                const external_id& user, const std::vector<external_id>& channels);

/// USER_ADD (`member`) or USER_REMOVE of a drop-in user for a channel by its foreign id; a new
/// channel is created for USER_ADD, an unknown one is left alone for USER_REMOVE.
dropin_change set_dropin_membership(soci::session& sql, const dropin_scope& scope,
                                    const std::string& user_id, const external_id& channel,
                                    bool member);

}  // namespace sb::persistence
