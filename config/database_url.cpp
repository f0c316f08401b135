#include "config/database_url.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "config/ground/logging.hpp"

namespace sb::config {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

/// RFC 3986: everything but the unreserved characters as %XX.
std::string percent_encoded(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
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

std::string postgresql_url(const database_parts& parts) {
  std::string url = "postgresql://";
  if (parts.user || parts.password) {
    url += percent_encoded(parts.user.value_or(""));
    if (parts.password) url += ":" + percent_encoded(*parts.password);
    url += "@";
  }
  // A host name is unreserved characters; an IPv6 address goes in brackets.
  if (parts.host) {
    url += parts.host->find(':') != std::string::npos ? "[" + *parts.host + "]"
                                                      : percent_encoded(*parts.host);
  }
  if (parts.port) {
    if (parts.port->empty() || parts.port->size() > 5 ||
        !std::all_of(parts.port->begin(), parts.port->end(),
                     [](unsigned char c) { return std::isdigit(c); })) {
      throw std::invalid_argument("the port must be a number, got '" + *parts.port + "'");
    }
    url += ":" + *parts.port;
  }
  if (parts.name) url += "/" + percent_encoded(*parts.name);
  return url;
}

std::string_view dialect_name(dialect d) {
  return d == dialect::sqlite ? "sqlite" : "postgresql";
}

}  // namespace sb::config
