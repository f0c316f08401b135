#include "config/ground/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace sb {

namespace {

void append_json_string(spdlog::memory_buf_t& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out.append(std::string_view("\\\""));
        break;
      case '\\':
        out.append(std::string_view("\\\\"));
        break;
      case '\n':
        out.append(std::string_view("\\n"));
        break;
      case '\r':
        out.append(std::string_view("\\r"));
        break;
      case '\t':
        out.append(std::string_view("\\t"));
        break;
      default:
        if (c < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// One JSON object per line, for log shippers. spdlog's pattern flags cannot escape the message.
class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    using namespace std::chrono;
    auto us = duration_cast<microseconds>(msg.time.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(us / 1000000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    fmt::format_to(std::back_inserter(dest),
                   "{{\"ts\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z\",\"level\":\"{}\","
                   "\"logger\":",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                   us % 1000000, spdlog::level::to_string_view(msg.level));
    append_json_string(dest, std::string_view(msg.logger_name.data(), msg.logger_name.size()));
    dest.append(std::string_view(",\"msg\":"));
    append_json_string(dest, std::string_view(msg.payload.data(), msg.payload.size()));
    dest.append(std::string_view("}\n"));
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<json_formatter>();
  }
};

}  // namespace

void init_logging(std::string_view level, bool json) {
  auto logger = spdlog::stderr_logger_mt("switchboard");
  if (json) {
    logger->set_formatter(std::make_unique<json_formatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

std::string redact_url(std::string_view url) {
  // scheme://user:password@host → scheme://user:***@host; also password=… in key/value form.
  // Scanned by hand, in one pass each: std::regex backtracks (quadratic, and recursive enough
  // to overflow the stack on a long URL).
  std::string out(url);
  auto is_scheme_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '.' || c == '-';
  };
  auto scheme_end = out.find("://");
  bool has_scheme = scheme_end != std::string::npos && scheme_end > 0 &&
                    std::isalpha(static_cast<unsigned char>(out[0])) &&
                    std::all_of(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(scheme_end),
                                is_scheme_char);
  if (has_scheme) {
    auto user_end = out.find_first_of(":/@", scheme_end + 3);
    if (user_end != std::string::npos && out[user_end] == ':') {
      auto at = out.find('@', user_end + 1);
      if (at != std::string::npos) out.replace(user_end + 1, at - user_end - 1, "***");
    }
  }
  constexpr std::string_view key = "password=";
  for (auto pos = out.find(key); pos != std::string::npos; pos = out.find(key, pos)) {
    pos += key.size();
    auto end = out.find_first_of("& \t\n\v\f\r", pos);
    if (end == std::string::npos) end = out.size();
    out.replace(pos, end - pos, "***");
    pos += 3;
  }
  return out;
}

}  // namespace sb
