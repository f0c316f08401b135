#pragma once

#include <boost/json/object.hpp>

#include "persistence/cti/calls.hpp"
#include "persistence/cti/user_mappings.hpp"
#include "persistence/cti/voicemails.hpp"
#include "persistence/cti/webhook_events.hpp"

namespace sb::api {

/// CTI resources in the seed's shapes (snake_case; ids of Dialpad as JSON integers; times ISO
/// 8601; durations in seconds).
boost::json::object cti_call_json(const persistence::cti_call& c);
boost::json::object voicemail_json(const persistence::voicemail& v);
boost::json::object user_mapping_json(const persistence::user_mapping& m);
boost::json::object webhook_event_json(const persistence::webhook_event& e);

}  // namespace sb::api
