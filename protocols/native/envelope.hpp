#pragma once

// Helpers of the native codecs (codec.cpp, call_codec.cpp); not for other users.

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocols/native/codec.hpp"

namespace sb::native::detail {

/// Starts `{"type":"<type>"` and appends `,"id":<id>` when there is one.
std::string open_envelope(std::string_view type, std::string_view id);

void append_string_field(std::string& out, std::string_view name, std::string_view value);

/// A string field of at most `max` bytes; nullopt when absent, not a string or too long.
std::optional<std::string> string_field(const boost::json::object& o, std::string_view name,
                                        size_t max);

/// The failure of a message whose type no decoder knows.
decode_failure unknown_type(boost::json::string_view type, const std::string& id);

/// Decodes a "call.*" message (call_codec.cpp).
std::variant<request, decode_failure> decode_call(boost::json::string_view type,
                                                  const boost::json::object& o,
                                                  const std::string& id);

/// Decodes a "chat.*" or "presence.*" message (chat_codec.cpp).
std::variant<request, decode_failure> decode_chat(boost::json::string_view type,
                                                  const boost::json::object& o,
                                                  const std::string& id);

}  // namespace sb::native::detail
