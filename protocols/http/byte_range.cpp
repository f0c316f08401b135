#include "protocols/http/byte_range.hpp"

#include <algorithm>
#include <charconv>

namespace sb::http {

namespace {

/// A run of digits, whole; false for anything else (signs, spaces, overflow).
bool parse_u64(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size();
}

}  // namespace

range_request parse_range(std::string_view header, uint64_t size) {
  constexpr std::string_view unit = "bytes=";
  if (!header.starts_with(unit)) return whole_body{};
  auto spec = header.substr(unit.size());
  if (spec.find(',') != std::string_view::npos) return whole_body{};
  auto dash = spec.find('-');
  if (dash == std::string_view::npos) return whole_body{};
  auto from = spec.substr(0, dash), to = spec.substr(dash + 1);
  uint64_t first = 0, last = 0;
  if (from.empty()) {  // a suffix: the last `to` bytes
    if (!parse_u64(to, last)) return whole_body{};
    if (last == 0 || size == 0) return unsatisfiable_range{};
    return byte_range{size - std::min(last, size), size - 1};
  }
  if (!parse_u64(from, first)) return whole_body{};
  if (to.empty()) {
    last = size == 0 ? 0 : size - 1;
  } else if (!parse_u64(to, last) || last < first) {
    return whole_body{};
  }
  if (first >= size) return unsatisfiable_range{};
  return byte_range{first, std::min(last, size - 1)};
}

}  // namespace sb::http
