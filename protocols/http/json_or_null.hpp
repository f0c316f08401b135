#pragma once

#include <boost/json/value.hpp>

#include <optional>

namespace sb::http {

/// An optional field of a JSON body: its value, or null.
template <class T>
boost::json::value json_or_null(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

}  // namespace sb::http
