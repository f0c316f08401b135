#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

#include "config/domain/dialpad/call_event.hpp"

namespace sb::dialpad {

/// Reads the event from verified claims; nullopt (with `why`) when `call_id` is not an
/// integer or `state` is not a string. Integers are read as integers, never through a double.
std::optional<call_event> parse_call_event(const boost::json::object& claims, std::string* why);

/// parse_call_event of a stored delivery's JSON text.
std::optional<call_event> read_call_event(const std::string& payload, std::string* why);

}  // namespace sb::dialpad
