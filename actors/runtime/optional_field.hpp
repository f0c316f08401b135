#pragma once

#include <caf/optional.hpp>

#include <optional>

namespace sb {

/// CAF 0.17 inspects caf::optional but not std::optional; a message's inspect wraps each
/// std::optional member in this (f(..., optional_field{x.room_id}, ...)), which travels as
/// CAF's optional does.
template <class T>
struct optional_field {
  std::optional<T>& value;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, optional_field& x) {
    caf::optional<T> wire;
    if constexpr (Inspector::reads_state) {
      if (x.value) wire = *x.value;
      return f(wire);
    } else {
      auto result = f(wire);
      x.value = wire ? std::optional<T>(std::move(*wire)) : std::nullopt;
      return result;
    }
  }
};

template <class T>
optional_field(std::optional<T>&) -> optional_field<T>;

}  // namespace sb
