#pragma once

#include <caf/error.hpp>

#include <functional>
#include <string>
#include <string_view>

#include "actors/session/session_actor.hpp"

namespace sb {

/// Answers a failed native request with an error carrying its id: the failure's code and
/// message (`fallback` when it has none), counted in the error metrics.
std::function<void(const caf::error&)> native_failure(const session_deps& deps, std::string id,
                                                      std::string fallback);

/// When not `allowed`, answers the request `id` with forbidden (`why`) and returns true.
bool refuse_unless(const session_deps& deps, bool allowed, const std::string& id,
                   std::string_view why);

}  // namespace sb
