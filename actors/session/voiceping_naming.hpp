#pragma once

#include <string>
#include <vector>

#include "persistence/ptt/dropin.hpp"
#include "protocols/voiceping/wire_ids.hpp"

namespace sb {

/// How this node's VoicePing sessions name users and channels on the wire: our ids, or in the
/// drop-in router mode's tenant the foreign issuer's ids linked to them (docs/protocol.md,
/// "Drop-in router mode").
struct voiceping_naming {
  voiceping::wire_ids* ids = nullptr;  ///< shared with the VoicePing encoder
  persistence::dropin_scope dropin;    ///< tenant_id "" = the drop-in mode is off

  bool dropin_on() const { return ids && !dropin.tenant_id.empty(); }
  /// Whether `tenant_id`'s sessions speak foreign ids.
  bool foreign_in(const std::string& tenant_id) const {
    return dropin_on() && tenant_id == dropin.tenant_id;
  }
};

/// Adds committed links to `ids`.
void learn_links(voiceping::wire_ids& ids, const std::vector<persistence::id_link>& links);

}  // namespace sb
