#include "config/toml_file.hpp"

#include <fmt/format.h>

#include <toml++/toml.h>

#include "config/config_error.hpp"

namespace sb::config {

namespace {

void flatten(const toml::table& table, const std::string& prefix, const std::string& path,
             std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& [k, node] : table) {
    if (k.str().find('.') != std::string_view::npos) {
      // `"server.port" = 1` would read as [server] port = 1, and could be given twice.
      throw config_error(
          fmt::format("\"{}\" (config file {}): a key must not hold a dot; write it as a table",
                      k.str(), path));
    }
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

namespace {

/// Runs `parse` (toml++), turning its error into a config_error that names `where`.
template <class Parse>
std::vector<std::pair<std::string, std::string>> read_toml(Parse parse, const std::string& where) {
  toml::table table;
  try {
    table = parse();
  } catch (const toml::parse_error& e) {
    throw config_error(fmt::format("config file {}: {} (line {}, column {})", where,
                                   e.description(), e.source().begin.line,
                                   e.source().begin.column));
  }
  std::vector<std::pair<std::string, std::string>> out;
  flatten(table, "", where, out);
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> read_toml_file(const std::string& path) {
  return read_toml([&] { return toml::parse_file(path); }, path);
}

std::vector<std::pair<std::string, std::string>> read_toml_text(std::string_view text,
                                                                const std::string& where) {
  return read_toml([&] { return toml::parse(text, where); }, where);
}

}  // namespace sb::config
