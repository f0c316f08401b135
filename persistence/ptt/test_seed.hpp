#pragma once

#include <optional>
#include <string>

#include "persistence/ptt/control_plane.hpp"

namespace soci {
class session;
}

namespace sb::persistence {

// The VoicePing control plane's test seed (TEST_SEED_*): an event, a team in it and a TEAM
// channel in that, found by their names in one tenant, to try a console or a client against.

struct seed_names {
  std::string event;
  std::string team;
  std::string channel;
};

/// What of the seed exists: the event of that name (the oldest), its team and the team's
/// channel of those names.
struct test_seed {
  std::optional<ptt_event> event;
  std::optional<ptt_team> team;
  std::optional<ptt_channel> channel;
};

test_seed find_test_seed(soci::session& sql, const tenant_scope& scope, const seed_names& names);

/// Creates what of the seed is missing; `created` says whether anything was.
test_seed plant_test_seed(soci::session& sql, const tenant_scope& scope, const seed_names& names,
                          const std::string& created_by, bool& created);

}  // namespace sb::persistence
