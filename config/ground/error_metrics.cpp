#include "config/ground/error_metrics.hpp"

#include <array>
#include <string>

#include "config/ground/metrics.hpp"

namespace sb {

void count_error(errc code) {
  // One counter per code, looked up once.
  static const auto counters = [] {
    std::array<metrics::counter*, static_cast<size_t>(errc::internal) + 1> out{};
    for (size_t i = 1; i < out.size(); ++i) {
      out[i] = &metrics::global().get_counter(
          "sb_errors_total", "Errors sent to clients, by code",
          {{"code", std::string(code_string(static_cast<errc>(i)))}});
    }
    return out;
  }();
  counters[static_cast<size_t>(code)]->inc();
}

}  // namespace sb
