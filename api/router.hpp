#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocols/http/message.hpp"

namespace sb::api {

/// Values of the `:name` segments of a matched route.
class path_params {
 public:
  void add(std::string name, std::string value) {
    values_.emplace_back(std::move(name), std::move(value));
  }
  /// The value of `:name`, or "" when the route has no such segment.
  std::string_view get(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> values_;
};

/// Handles one matched request; must call the responder exactly once, and must not block.
using handler = std::function<void(http::request, path_params, http::responder)>;

/// Maps (method, path pattern) to handlers. Patterns are literal segments and `:name`
/// captures: "/api/calls/:id/answer". Unknown paths answer 404 not_found, known paths with
/// another method 405 method_not_allowed with an Allow header; a handler that throws answers
/// 500 internal. All errors are problem+json.
class router {
 public:
  void add(std::string method, std::string pattern, handler h);
  void dispatch(http::request req, http::responder respond) const;

 private:
  struct route {
    std::string method;
    std::vector<std::string> segments;
    handler fn;
  };
  std::vector<route> routes_;
};

}  // namespace sb::api
