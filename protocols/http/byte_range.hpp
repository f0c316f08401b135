#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

namespace sb::http {

/// The bytes `first` to `last` (inclusive) of a body.
struct byte_range {
  uint64_t first = 0;
  uint64_t last = 0;
};

/// A Range header that asks only for bytes past the end of the body: 416.
struct unsatisfiable_range {};

/// The whole body: no Range header, or one this server does not serve in parts (several
/// ranges, another unit, a malformed value), which RFC 9110 §14.2 lets it ignore.
struct whole_body {};

using range_request = std::variant<whole_body, byte_range, unsatisfiable_range>;

/// Reads a `Range` header ("bytes=0-99", "bytes=100-", "bytes=-100") against a body of
/// `size` bytes; ranges reaching past the end are cut at it.
range_request parse_range(std::string_view header, uint64_t size);

}  // namespace sb::http
