#pragma once

#include <string_view>

namespace sb {

/// True for well-formed UTF-8 (no overlongs, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace sb
