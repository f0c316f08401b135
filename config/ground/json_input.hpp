#pragma once

#include <boost/json/value.hpp>
#include <boost/system/error_code.hpp>

#include <string_view>

namespace sb {

/// Parses JSON that came from outside, as boost::json::parse does, except that a number too
/// large for a double is an error (boost::json::error::exponent_overflow). Boost.JSON 1.81
/// reads such a number as infinity and writes it back as `Infinity`, which is not JSON: a
/// client could otherwise make the node send invalid JSON to others (found by the
/// socketio_packet fuzz target).
boost::json::value parse_json(std::string_view text, boost::system::error_code& ec);

}  // namespace sb
