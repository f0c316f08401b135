#pragma once

#include <optional>
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

/// A PostgreSQL server named by parts, as the CTI seed's DB_HOST, DB_PORT, DB_USER,
/// DB_PASSWORD and DB_NAME do.
struct database_parts {
  std::optional<std::string> host, port, user, password, name;
  bool any() const { return host || port || user || password || name; }
};

/// The postgresql:// URL of `parts`, each part percent-encoded; a part left out is left to
/// libpq's default. Throws std::invalid_argument for a port that is not a number.
std::string postgresql_url(const database_parts& parts);

}  // namespace sb::config
