#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocols/http/message.hpp"

namespace sb::api {

/// One rejected input field.
struct field_error {
  std::string field;
  std::string message;
};

/// A 400 bad_request problem naming the fields: detail "email: must be a valid email
/// address", plus "errors":[{"field":"email","message":"…"}].
http::response invalid_fields(const std::vector<field_error>& errors, std::string_view instance);

/// Reads and validates fields of a JSON object (a request body, or a query string turned into
/// one). Each accessor records an error for a bad value and returns nullopt; `ok()` tells
/// whether everything read so far was valid.
class fields {
 public:
  /// Parses the body as a JSON object, or answers with the 400 to send.
  static std::variant<fields, http::response> from_body(const http::request& req);
  /// The query string's parameters as string fields.
  static fields from_query(const http::request& req);

  struct text_rule {
    bool required = false;
    size_t max_len = 255;
    size_t min_len = 0;
    bool trim = true;
  };

  std::optional<std::string> text(std::string_view name, text_rule rule);
  /// Absent: nullopt. JSON null or "": engaged with nullopt (clear the value). Else the text.
  std::optional<std::optional<std::string>> nullable_text(std::string_view name, text_rule rule);
  std::optional<std::string> choice(std::string_view name,
                                    std::initializer_list<std::string_view> allowed, bool required);
  /// A lower-cased, syntactically valid email address of at most 254 bytes.
  std::optional<std::string> email(std::string_view name, bool required);
  /// At least 12 characters, at most 256 bytes, not a common or trivially patterned password.
  std::optional<std::string> new_password(std::string_view name, bool required);
  std::optional<int64_t> integer(std::string_view name, int64_t min, int64_t max, bool required);
  std::optional<bool> boolean(std::string_view name, bool required);
  /// An ISO 8601 time with a zone, as microseconds since the epoch (parse_iso_time).
  std::optional<int64_t> timestamp(std::string_view name, bool required);
  /// A JSON object, serialised (at most `max_bytes`).
  std::optional<std::string> object_text(std::string_view name, size_t max_bytes, bool required);
  /// A string taken as it is (no trimming; line breaks allowed, as in SDP); at most max_len.
  std::optional<std::string> raw_text(std::string_view name, size_t max_len, bool required);
  /// An array of 1..max_items non-empty strings of at most max_len bytes.
  std::optional<std::vector<std::string>> text_list(std::string_view name, size_t max_items,
                                                    size_t max_len, bool required);
  /// The field's JSON value (nullptr when absent), for validators of their own.
  const boost::json::value* value(std::string_view name) const { return obj_.if_contains(name); }
  /// A dialable extension: 1 to 10 digits.
  std::optional<std::optional<std::string>> extension(std::string_view name);

  /// Records an error for every field not in `allowed`.
  void reject_unknown(std::initializer_list<std::string_view> allowed);
  void fail(std::string field, std::string message);

  bool ok() const { return errors_.empty(); }
  bool has(std::string_view name) const { return obj_.contains(name); }
  const std::vector<field_error>& errors() const { return errors_; }
  http::response problem(std::string_view instance) const {
    return invalid_fields(errors_, instance);
  }

 private:
  explicit fields(boost::json::object obj, bool from_query)
      : obj_(std::move(obj)), from_query_(from_query) {}

  const boost::json::value* get(std::string_view name, bool required);

  boost::json::object obj_;
  bool from_query_;
  std::vector<field_error> errors_;
};

/// The request body as fields, or nullopt after answering with the 400 to send.
std::optional<fields> read_body(const http::request& req, http::responder& respond);

/// A route's input: the body's members, refused when not in `known`, read by `read(fields&)`
/// into what the use case takes. Answers the problem (every invalid field at once) and returns
/// nullopt when anything was wrong.
template <class Read>
auto parse_body(const http::request& req, http::responder& respond,
                std::initializer_list<std::string_view> known, Read read)
    -> std::optional<decltype(read(std::declval<fields&>()))> {
  auto body = read_body(req, respond);
  if (!body) return std::nullopt;
  body->reject_unknown(known);
  auto parsed = read(*body);
  if (!body->ok()) {
    respond(body->problem(req.path));
    return std::nullopt;
  }
  return parsed;
}

/// Why a new password is refused, or "" when it is acceptable.
std::string password_weakness(std::string_view password);

/// True for an address of the form local@domain.tld without spaces or control characters.
bool is_email(std::string_view s);

}  // namespace sb::api
