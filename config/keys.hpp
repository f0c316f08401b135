#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "config/node_config.hpp"

namespace sb::config {

/// One configuration key: its TOML path, environment variable, flag, and how to parse it.
/// This table is the single source for the loader, `--help` and docs/operations.md.
struct key_spec {
  std::string key;   ///< dotted TOML path, e.g. "server.port"
  std::string env;   ///< environment variable, e.g. "PORT"
  std::string help;  ///< one line for --help
  /// Parses and stores `value`; throws std::invalid_argument with the reason on bad input.
  std::function<void(node_config&, std::string_view value)> set;
  /// Renders the current value, for --help defaults.
  std::function<std::string(const node_config&)> get;

  /// "--server-port" for "server.port".
  std::string flag() const;
};

/// All keys, in documentation order.
std::span<const key_spec> all_keys();

/// The key with this dotted TOML path, or nullptr.
const key_spec* find_key(std::string_view key);

/// The key whose flag is `flag` (e.g. "--server-port"), or nullptr.
const key_spec* find_flag(std::string_view flag);

}  // namespace sb::config
