#include "api/input.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

#include "api/common_passwords.hpp"
#include "config/ground/clock.hpp"
#include "config/ground/json_input.hpp"
#include "protocols/http/problem.hpp"
#include "protocols/ws/frame.hpp"

namespace sb::api {

namespace json = boost::json;

namespace {

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool has_control(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

http::response invalid_fields(const std::vector<field_error>& errors, std::string_view instance) {
  json::array list;
  for (const auto& e : errors)
    list.push_back(json::object{{"field", e.field}, {"message", e.message}});
  auto detail = errors.empty() ? std::string("invalid request")
                               : errors.front().field + ": " + errors.front().message;
  return http::problem(errc::bad_request, detail, instance, json::object{{"errors", list}});
}

std::variant<fields, http::response> fields::from_body(const http::request& req) {
  auto type = req.header("content-type");
  if (!req.body.empty() && !type.empty() && type.find("json") == std::string_view::npos) {
    return http::problem(errc::bad_request,
                         "the body must be JSON (Content-Type: application/json)", req.path);
  }
  if (req.body.empty()) return fields(json::object{}, false);
  json::error_code ec;
  auto v = parse_json(req.body, ec);
  if (ec)
    return http::problem(errc::bad_json, "the body is not valid JSON: " + ec.message(), req.path);
  if (!v.is_object())
    return http::problem(errc::bad_json, "the body must be a JSON object", req.path);
  return fields(std::move(v.as_object()), false);
}

std::optional<fields> read_body(const http::request& req, http::responder& respond) {
  auto parsed = fields::from_body(req);
  if (auto* r = std::get_if<http::response>(&parsed)) {
    respond(std::move(*r));
    return std::nullopt;
  }
  return std::move(std::get<fields>(parsed));
}

fields fields::from_query(const http::request& req) {
  json::object obj;
  bool unreadable_name = false;
  std::string_view rest = req.query;
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto key = http::percent_decode(pair.substr(0, eq));
    auto value =
        eq == std::string_view::npos ? std::string{} : http::percent_decode(pair.substr(eq + 1));
    // A name is echoed in errors, which are JSON: it must be text. Values are checked by the
    // accessor that reads them.
    if (!is_valid_utf8(key)) {
      unreadable_name = true;
      continue;
    }
    obj[key] = value;
  }
  fields out(std::move(obj), true);
  if (unreadable_name) out.fail("query", "parameter names must be valid UTF-8");
  return out;
}

void fields::fail(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
}

const json::value* fields::get(std::string_view name, bool required) {
  auto* v = obj_.if_contains(name);
  if ((!v || v->is_null()) && required) {
    fail(std::string(name), "is required");
    return nullptr;
  }
  return v;
}

std::optional<std::string> fields::text(std::string_view name, text_rule rule) {
  auto* v = get(name, rule.required);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    fail(std::string(name), "must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (rule.trim) s = trim(std::move(s));
  // A JSON body is UTF-8 already; a percent-decoded query value may not be.
  if (!is_valid_utf8(s)) {
    fail(std::string(name), "must be valid UTF-8");
    return std::nullopt;
  }
  if (has_control(s)) {
    fail(std::string(name), "must not contain control characters");
    return std::nullopt;
  }
  if (s.size() > rule.max_len) {
    fail(std::string(name), "must be at most " + std::to_string(rule.max_len) + " bytes");
    return std::nullopt;
  }
  if (s.size() < rule.min_len || (rule.required && s.empty())) {
    fail(std::string(name), rule.min_len > 1
                                ? "must be at least " + std::to_string(rule.min_len) + " characters"
                                : "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> fields::raw_text(std::string_view name, size_t max_len, bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string() || v->as_string().empty()) {
    fail(std::string(name), "must be a non-empty string");
    return std::nullopt;
  }
  if (v->as_string().size() > max_len) {
    fail(std::string(name), "must be at most " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return std::string(v->as_string());
}

std::optional<std::vector<std::string>> fields::text_list(std::string_view name, size_t max_items,
                                                          size_t max_len, bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  auto* arr = v->if_array();
  bool ok = arr && !arr->empty() && arr->size() <= max_items;
  std::vector<std::string> out;
  for (size_t i = 0; ok && i < arr->size(); ++i) {
    auto* s = (*arr)[i].if_string();
    ok = s && !s->empty() && s->size() <= max_len;
    if (ok) out.emplace_back(s->data(), s->size());
  }
  if (!ok) {
    fail(std::string(name), "must be an array of 1 to " + std::to_string(max_items) +
                                " non-empty strings of at most " + std::to_string(max_len) +
                                " bytes");
    return std::nullopt;
  }
  return out;
}

std::optional<std::optional<std::string>> fields::nullable_text(std::string_view name,
                                                                text_rule rule) {
  auto* v = obj_.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_null() || (v->is_string() && trim(std::string(v->as_string())).empty())) {
    return std::optional<std::string>{};
  }
  rule.required = false;
  auto s = text(name, rule);
  if (!s) return std::nullopt;
  return std::optional<std::string>{*s};
}

std::optional<std::string> fields::choice(std::string_view name,
                                          std::initializer_list<std::string_view> allowed,
                                          bool required) {
  auto s = text(name, {required, 64});
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) == allowed.end()) {
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(std::string(name), "must be one of " + list);
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> fields::email(std::string_view name, bool required) {
  auto s = text(name, {required, 254});
  if (!s) return std::nullopt;
  if (!is_email(*s)) {
    fail(std::string(name), "must be a valid email address");
    return std::nullopt;
  }
  return lower(*s);
}

std::optional<std::string> fields::new_password(std::string_view name, bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_string()) {
    fail(std::string(name), "must be a string");
    return std::nullopt;
  }
  std::string s(v->as_string());
  if (auto why = password_weakness(s); !why.empty()) {
    fail(std::string(name), why);
    return std::nullopt;
  }
  return s;
}

std::optional<int64_t> fields::integer(std::string_view name, int64_t min, int64_t max,
                                       bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  std::optional<int64_t> n;
  if (v->is_int64()) {
    n = v->as_int64();
  } else if (from_query_ && v->is_string()) {
    int64_t parsed = 0;
    auto s = v->as_string();
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
    if (ec == std::errc{} && ptr == s.data() + s.size() && !s.empty()) n = parsed;
  }
  if (!n) {
    fail(std::string(name), "must be an integer");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    fail(std::string(name),
         "must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return n;
}

std::optional<bool> fields::boolean(std::string_view name, bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_bool()) return v->as_bool();
  if (from_query_ && v->is_string()) {
    if (v->as_string() == "true") return true;
    if (v->as_string() == "false") return false;
  }
  fail(std::string(name), "must be true or false");
  return std::nullopt;
}

std::optional<int64_t> fields::timestamp(std::string_view name, bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) {
    if (auto us = parse_iso_time(v->as_string())) return us;
  }
  fail(std::string(name), "must be an ISO 8601 time with a zone, as 2026-01-28T12:00:00.000Z");
  return std::nullopt;
}

std::optional<std::string> fields::object_text(std::string_view name, size_t max_bytes,
                                               bool required) {
  auto* v = get(name, required);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_object()) {
    fail(std::string(name), "must be a JSON object");
    return std::nullopt;
  }
  auto text = json::serialize(*v);
  if (text.size() > max_bytes) {
    fail(std::string(name), "must be at most " + std::to_string(max_bytes) + " bytes");
    return std::nullopt;
  }
  return text;
}

std::optional<std::optional<std::string>> fields::extension(std::string_view name) {
  auto s = nullable_text(name, {false, 10});
  if (!s || !*s) return s;
  const auto& digits = **s;
  if (!std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c); })) {
    fail(std::string(name), "must be 1 to 10 digits");
    return std::nullopt;
  }
  return s;
}

void fields::reject_unknown(std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : obj_) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      fail(std::string(key), "is not a known field");
    }
  }
}

bool is_email(std::string_view s) {
  if (s.size() > 254 || has_control(s)) return false;
  auto at = s.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64 || s.find('@', at + 1) != s.npos) {
    return false;
  }
  auto domain = s.substr(at + 1);
  auto dot = domain.rfind('.');
  if (domain.empty() || dot == std::string_view::npos || dot == 0 || dot + 1 >= domain.size()) {
    return false;
  }
  return std::none_of(s.begin(), s.end(), [](unsigned char c) {
    return std::isspace(c) || c == '<' || c == '>' || c == '(' || c == ')' || c == ',' ||
           c == ';' || c == ':' || c == '\\' || c == '"' || c == '[' || c == ']';
  });
}

std::string password_weakness(std::string_view password) {
  if (password.size() > 256) return "must be at most 256 bytes";
  // Count characters, not bytes, so that non-ASCII passwords are measured fairly.
  size_t chars = std::count_if(password.begin(), password.end(),
                               [](unsigned char c) { return (c & 0xC0) != 0x80; });
  if (chars < 12) return "must be at least 12 characters";
  if (std::all_of(password.begin(), password.end(), [&](char c) { return c == password[0]; })) {
    return "must not repeat a single character";
  }
  if (is_common_password(lower(std::string(password)))) {
    return "is too common; choose a less guessable password";
  }
  return {};
}

}  // namespace sb::api
