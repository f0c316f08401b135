#pragma once

#include <string>

namespace sb::api {

/// True when a (lower-cased) password is a well-known one, a common word or name dressed up
/// with digits, symbols or l33t substitutions ("Password2024!"), or a keyboard or alphabet walk
/// ("1qaz2wsx3edc", "abcdefghijkl"). The list targets passwords of 12 characters or more,
/// since shorter ones are refused anyway.
bool is_common_password(const std::string& lowered);

}  // namespace sb::api
