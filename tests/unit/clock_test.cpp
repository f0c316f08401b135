#include <catch2/catch.hpp>

#include "config/ground/clock.hpp"

using sb::iso_time;
using sb::parse_iso_time;

TEST_CASE("ISO 8601 times with a zone read back as epoch microseconds", "[clock]") {
  CHECK(parse_iso_time("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_iso_time("2026-01-28T12:00:00.000Z") == 1769601600000000);
  CHECK(parse_iso_time("2026-01-28T14:00:00+02:00") == 1769601600000000);
  CHECK(parse_iso_time("2026-01-28T06:30:00.5-05:30") == 1769601600500000);
  CHECK(parse_iso_time("2024-02-29T23:59:59.123456Z") == 1709251199123456);
  for (int64_t us : {int64_t{0}, int64_t{1769601600123000}, int64_t{253402300799999000}}) {
    CHECK(parse_iso_time(iso_time(us)) == us);
  }
}

TEST_CASE("anything else is not a time", "[clock]") {
  for (const char* bad :
       {"", "2026-01-28", "2026-01-28T12:00:00", "2026-02-29T12:00:00Z", "2026-13-01T00:00:00Z",
        "2026-01-28T24:00:00Z", "2026-01-28T12:00:00.Z", "2026-01-28T12:00:00.1234567Z",
        "2026-01-28T12:00:00+2:00", "2026-01-28T12:00:00Zjunk", "1969-12-31T23:59:59Z",
        "1970-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00", "yesterday",
        "2026-01-28 12:00:00Z"}) {
    INFO(bad);
    CHECK_FALSE(parse_iso_time(bad).has_value());
  }
}
