#include "config/toml_file.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>

#include "config/config_error.hpp"

namespace sb::config {

namespace {

void flatten(const toml::table& table, const std::string& prefix, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& [k, node] : table) {
    std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    if (const auto* sub = node.as_table()) {
      flatten(*sub, key, path, out);
    } else if (const auto* s = node.as_string()) {
      out.emplace_back(key, s->get());
    } else if (const auto* i = node.as_integer()) {
      if (i->get() < 0) {
        throw config_error(fmt::format("{} (config file {}): must not be negative", key, path));
      }
      out.emplace_back(key, std::to_string(i->get()));
    } else if (const auto* b = node.as_boolean()) {
      out.emplace_back(key, b->get() ? "true" : "false");
    } else {
      throw config_error(fmt::format(
          "{} (config file {}): expected a string, an integer or a boolean", key, path));
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> read_toml_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    throw config_error(fmt::format("config file {}: {} (line {}, column {})", path, e.description(),
                                   e.source().begin.line, e.source().begin.column));
  }
  std::vector<std::pair<std::string, std::string>> out;
  flatten(table, "", path, out);
  return out;
}

}  // namespace sb::config
