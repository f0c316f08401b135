#pragma once

#include <string>
#include <string_view>

namespace sb::config {

enum class dialect { sqlite, postgresql };

/// A parsed DATABASE_URL.
struct database_target {
  dialect kind = dialect::sqlite;
  /// For SQLite: the file path. For PostgreSQL: the URL as given (libpq parses it).
  std::string location;
  /// The URL with any password replaced by "***", safe to log.
  std::string display;
};

/// Parses `sqlite:PATH`, `sqlite://PATH`, `postgresql://…` or `postgres://…`.
/// Throws std::invalid_argument with the reason on anything else.
database_target parse_database_url(std::string_view url);

std::string_view dialect_name(dialect d);

}  // namespace sb::config
