#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>

#include "config/ground/clock.hpp"

namespace sb {

/// An optional field of a JSON body: its value, or null.
template <class T>
boost::json::value json_or_null(const std::optional<T>& v) {
  return v ? boost::json::value(*v) : boost::json::value(nullptr);
}

/// An optional time (epoch microseconds) as ISO 8601 (iso_time), or null.
inline boost::json::value iso_time_or_null(const std::optional<int64_t>& epoch_us) {
  return epoch_us ? boost::json::value(iso_time(*epoch_us)) : boost::json::value(nullptr);
}

}  // namespace sb
