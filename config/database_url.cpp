#include "config/database_url.hpp"

#include <stdexcept>

#include "config/ground/logging.hpp"

namespace sb::config {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

database_target parse_database_url(std::string_view url) {
  database_target out;
  out.display = redact_url(url);
  if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
    out.kind = dialect::postgresql;
    out.location = std::string(url);
    return out;
  }
  if (starts_with(url, "sqlite:")) {
    auto path = url.substr(7);
    if (starts_with(path, "//")) path.remove_prefix(2);
    if (path.empty()) throw std::invalid_argument("sqlite URL has no file path (sqlite:PATH)");
    if (path == ":memory:") {
      throw std::invalid_argument(
          "in-memory SQLite is not supported: every store worker needs "
          "the same database, use a file path");
    }
    out.kind = dialect::sqlite;
    out.location = std::string(path);
    return out;
  }
  throw std::invalid_argument("expected sqlite:PATH, postgresql://… or postgres://…, got '" +
                              out.display + "'");
}

std::string_view dialect_name(dialect d) {
  return d == dialect::sqlite ? "sqlite" : "postgresql";
}

}  // namespace sb::config
