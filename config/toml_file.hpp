#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sb::config {

/// Reads a TOML file into (dotted key, value as text) pairs: `[server] port = 8080` gives
/// ("server.port", "8080"). Only strings, integers and booleans are allowed as values.
/// Throws config_error naming the file, and the key where one is at fault.
std::vector<std::pair<std::string, std::string>> read_toml_file(const std::string& path);

/// The same for TOML text; `where` names it in errors.
std::vector<std::pair<std::string, std::string>> read_toml_text(std::string_view text,
                                                                const std::string& where);

}  // namespace sb::config
