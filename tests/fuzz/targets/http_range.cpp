// The Range header of recordings (protocols/http/byte_range): a range it grants lies inside
// the body.
#include <cstring>

#include "protocols/http/byte_range.hpp"
#include "tests/fuzz/fuzz_target.hpp"

SB_FUZZ_TARGET(http_range) {
  if (size < 4) return;
  uint32_t body_size = 0;  // the first four bytes: the size of the body asked for
  std::memcpy(&body_size, data, 4);
  auto result = sb::http::parse_range(sb::fuzz::as_text(data + 4, size - 4), body_size);
  if (auto* r = std::get_if<sb::http::byte_range>(&result)) {
    SB_FUZZ_CHECK(r->first <= r->last && r->last < body_size);
  }
}
