#include "protocols/voiceping/wire_ids.hpp"

#include <charconv>
#include <mutex>

namespace sb::voiceping {

void wire_ids::add(kind k, const std::string& external, bool is_number,
                   const std::string& internal) {
  std::unique_lock lock(mu_);
  (k == kind::user ? users_ : channels_)[external] = internal;
  foreign_[internal] = {external, is_number};
  any_.store(true, std::memory_order_release);
}

std::optional<std::string> wire_ids::internal_of(kind k, std::string_view external) const {
  if (!any_.load(std::memory_order_acquire)) return std::nullopt;
  std::shared_lock lock(mu_);
  const auto& m = k == kind::user ? users_ : channels_;
  auto it = m.find(std::string(external));
  if (it == m.end()) return std::nullopt;
  return it->second;
}

msgpack::value wire_ids::wire_of(const std::string& internal) const {
  if (!any_.load(std::memory_order_acquire)) return internal;
  std::shared_lock lock(mu_);
  auto it = foreign_.find(internal);
  if (it == foreign_.end()) return internal;
  const auto& f = it->second;
  int64_t n = 0;
  if (f.is_number) {
    auto [end, ec] = std::from_chars(f.text.data(), f.text.data() + f.text.size(), n);
    if (ec == std::errc() && end == f.text.data() + f.text.size()) return n;
  }
  return f.text;
}

}  // namespace sb::voiceping
