#include "config/ground/clock.hpp"

#include <fmt/format.h>

#include <ctime>

namespace sb {

std::string iso_time(int64_t epoch_us) {
  std::time_t secs = static_cast<std::time_t>(epoch_us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (epoch_us / 1000) % 1000);
}

}  // namespace sb
