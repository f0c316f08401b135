#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sb::matrix {

// What Switchboard reads from a Matrix homeserver's client-server API when it checks a user
// (docs/api.md, "Matrix users"): bodies from outside, read strictly.

inline constexpr size_t kMaxUserIdBytes = 255;  ///< the spec's limit on a user id

/// The URL of a client-server API path ("/_matrix/client/v3/…", its segments already
/// percent-encoded) on the homeserver at `base` (with or without a trailing slash).
std::string client_api_url(std::string_view base, std::string_view path);

/// "@localpart:server": an '@', a non-empty localpart, a ':', a non-empty server name, at most
/// 255 bytes, nothing below 0x21 (no spaces or control characters).
bool is_user_id(std::string_view id);

/// The `user_id` of a GET /_matrix/client/v3/account/whoami answer, when it is a user id.
std::optional<std::string> whoami_user(std::string_view body);

/// The member ids of a GET /_matrix/client/v3/rooms/{roomId}/joined_members answer
/// ({"joined": {"@a:hs": {...}, ...}}); nullopt when the body is not one. Keys that are not
/// user ids are left out.
std::optional<std::vector<std::string>> joined_members(std::string_view body);

}  // namespace sb::matrix
