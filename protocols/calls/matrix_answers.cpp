#include "protocols/calls/matrix_answers.hpp"

#include <boost/json.hpp>

#include <algorithm>

#include "config/ground/json_input.hpp"

namespace sb::matrix {

namespace {

/// The body as a JSON value; null when it is not JSON.
boost::json::value parsed(std::string_view body) {
  boost::system::error_code ec;
  auto v = parse_json(body, ec);
  return ec ? boost::json::value() : v;
}

}  // namespace

std::string client_api_url(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  return std::string(base) + std::string(path);
}

bool is_user_id(std::string_view id) {
  if (id.size() < 4 || id.size() > kMaxUserIdBytes || id[0] != '@') return false;
  auto colon = id.find(':');
  if (colon == std::string_view::npos || colon == 1 || colon + 1 == id.size()) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return static_cast<unsigned char>(c) > 0x20; });
}

std::optional<std::string> whoami_user(std::string_view body) {
  auto v = parsed(body);
  const auto* o = v.if_object();
  const auto* id = o ? o->if_contains("user_id") : nullptr;
  if (!id || !id->is_string() || !is_user_id(id->get_string())) return std::nullopt;
  return std::string(id->get_string());
}

std::optional<std::vector<std::string>> joined_members(std::string_view body) {
  auto v = parsed(body);
  const auto* o = v.if_object();
  const auto* joined = o ? o->if_contains("joined") : nullptr;
  if (!joined || !joined->is_object()) return std::nullopt;
  std::vector<std::string> ids;
  for (const auto& [key, value] : joined->get_object()) {
    if (is_user_id(key)) ids.emplace_back(key);
  }
  return ids;
}

}  // namespace sb::matrix
