#pragma once

#include <caf/meta/type_name.hpp>

#include <memory>
#include <string>
#include <utility>

namespace sb {

/// A message member that holds shared immutable bytes (shared_ptr<const std::string>), in an
/// inspect overload: f(..., bytes_field{x.payload}). It travels as the bytes themselves.
struct bytes_field {
  std::shared_ptr<const std::string>& value;

  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, bytes_field& x) {
    if constexpr (Inspector::reads_state) {
      std::string copy = x.value ? *x.value : std::string{};
      return f(caf::meta::type_name("bytes"), copy);
    } else {
      std::string bytes;
      auto result = f(caf::meta::type_name("bytes"), bytes);
      x.value = std::make_shared<const std::string>(std::move(bytes));
      return result;
    }
  }
};

/// Immutable bytes shared by every receiver on this node (an audio packet, an encoded frame):
/// sending them to a thousand local actors copies one pointer. When a message crosses nodes the
/// bytes travel by value (inspect below) and arrive shared again.
class shared_bytes {
 public:
  shared_bytes() = default;
  shared_bytes(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}

  const std::shared_ptr<const std::string>& ptr() const { return bytes_; }
  operator const std::shared_ptr<const std::string>&() const { return bytes_; }
  const std::string& operator*() const { return *bytes_; }
  const std::string* operator->() const { return bytes_.get(); }
  explicit operator bool() const { return static_cast<bool>(bytes_); }

  /// Serialized as its bytes (an empty handle as no bytes).
  template <class Inspector>
  friend typename Inspector::result_type inspect(Inspector& f, shared_bytes& x);

 private:
  std::shared_ptr<const std::string> bytes_;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shared_bytes& x) {
  return f(caf::meta::type_name("shared_bytes"), bytes_field{x.bytes_});
}

}  // namespace sb
