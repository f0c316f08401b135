#pragma once

#include <string>
#include <utility>
#include <vector>

namespace sb::config {

/// Reads a TOML file into (dotted key, value as text) pairs: `[server] port = 8080` gives
/// ("server.port", "8080"). Only strings, integers and booleans are allowed as values.
/// Throws config_error naming the file, and the key where one is at fault.
std::vector<std::pair<std::string, std::string>> read_toml_file(const std::string& path);

}  // namespace sb::config
