#include "config/ground/clock.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

namespace sb {

std::string iso_time(int64_t epoch_us) {
  std::time_t secs = static_cast<std::time_t>(epoch_us / 1'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (epoch_us / 1000) % 1000);
}

namespace {

/// `n` digits of `s` from `at` as a number, or -1.
int digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return -1;
  int v = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

std::optional<int64_t> parse_iso_time(std::string_view s) {
  using namespace std::chrono;
  // YYYY-MM-DDTHH:MM:SS
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
      s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  int y = digits(s, 0, 4), mo = digits(s, 5, 2), d = digits(s, 8, 2);
  int h = digits(s, 11, 2), mi = digits(s, 14, 2), sec = digits(s, 17, 2);
  if (y < 1970 || mo < 1 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) {
    return std::nullopt;
  }
  year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!date.ok()) return std::nullopt;
  size_t at = 19;
  int64_t micros = 0;
  if (at < s.size() && s[at] == '.') {
    size_t start = ++at;
    while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
    size_t n = at - start;
    if (n == 0 || n > 6) return std::nullopt;
    micros = digits(s, start, n);
    for (size_t i = n; i < 6; ++i) micros *= 10;
  }
  if (at >= s.size()) return std::nullopt;  // a time without a zone is ambiguous
  int64_t offset_s = 0;
  if (s[at] == 'Z' || s[at] == 'z') {
    ++at;
  } else if (s[at] == '+' || s[at] == '-') {
    int oh = digits(s, at + 1, 2), om = digits(s, at + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59 || at + 3 >= s.size() || s[at + 3] != ':') {
      return std::nullopt;
    }
    offset_s = (s[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != s.size()) return std::nullopt;
  int64_t days = sys_days{date}.time_since_epoch().count();
  int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  constexpr int64_t kLast = 253402300799;  // 9999-12-31T23:59:59Z: what iso_time can print
  if (secs < 0 || secs > kLast) return std::nullopt;
  return secs * 1'000'000 + micros;
}

}  // namespace sb
