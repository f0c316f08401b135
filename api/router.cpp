#include "api/router.hpp"

#include <spdlog/spdlog.h>

#include <set>

#include "protocols/http/problem.hpp"

namespace sb::api {

namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    if (path[pos] == '/') {
      ++pos;
      continue;
    }
    auto end = path.find('/', pos);
    out.emplace_back(path.substr(pos, end == std::string_view::npos ? end : end - pos));
    pos = end == std::string_view::npos ? path.size() : end;
  }
  return out;
}

bool match(const std::vector<std::string>& pattern, const std::vector<std::string>& path,
           path_params* params) {
  if (pattern.size() != path.size()) return false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (!pattern[i].empty() && pattern[i][0] == ':') {
      if (params) params->add(pattern[i].substr(1), http::percent_decode(path[i]));
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string_view path_params::get(std::string_view name) const {
  for (const auto& [k, v] : values_) {
    if (k == name) return v;
  }
  return {};
}

void router::add(std::string method, std::string pattern, handler h) {
  routes_.push_back({std::move(method), split_path(pattern), std::move(h)});
}

void router::dispatch(http::request req, http::responder respond) const {
  auto segments = split_path(req.path);
  std::set<std::string> allowed;
  for (const auto& r : routes_) {
    if (!match(r.segments, segments, nullptr)) continue;
    if (r.method != req.method) {
      allowed.insert(r.method);
      continue;
    }
    path_params params;
    match(r.segments, segments, &params);
    auto path = req.path;
    try {
      r.fn(std::move(req), std::move(params), respond);
    } catch (const std::exception& e) {
      spdlog::error("handler for {} {} failed: {}", r.method, path, e.what());
      respond(http::problem(errc::internal, "the request could not be handled", path));
    }
    return;
  }
  if (allowed.empty()) {
    return respond(http::problem(errc::not_found, "no resource at " + req.path, req.path));
  }
  std::string allow;
  for (const auto& m : allowed) allow += (allow.empty() ? "" : ", ") + m;
  auto res = http::problem(errc::method_not_allowed,
                           req.method + " is not supported here; allowed: " + allow, req.path);
  res.with_header("Allow", allow);
  respond(std::move(res));
}

}  // namespace sb::api
