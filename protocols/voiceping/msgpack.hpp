#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sb::msgpack {

// The subset of MessagePack (https://github.com/msgpack/msgpack/blob/master/spec.md) that
// VoicePing frames use, decoded into a small value tree. Decoding is strict: the input must be
// exactly one value, nesting is bounded, and lengths are checked against the input before
// anything is allocated, so hostile frames cost at most their own size.

struct value;
using array = std::vector<value>;
using map = std::vector<std::pair<value, value>>;

/// Binary data (bin 8/16/32), distinct from a string.
struct bytes {
  std::string data;
  bool operator==(const bytes&) const = default;
};

/// An extension value; notepack writes JavaScript's `undefined` as fixext 1 type 0.
struct ext {
  int8_t type = 0;
  std::string data;
  bool operator==(const ext&) const = default;
};

struct nil {
  bool operator==(const nil&) const = default;
};

struct value {
  using variant =
      std::variant<nil, bool, int64_t, uint64_t, double, std::string, bytes, array, map, ext>;
  variant v;

  value() = default;
  template <class T>
  value(T x) : v(std::move(x)) {}  // NOLINT: values convert implicitly, like JSON's

  const std::string* string() const { return std::get_if<std::string>(&v); }
  const bytes* binary() const { return std::get_if<bytes>(&v); }
  const array* items() const { return std::get_if<array>(&v); }
  /// The integer value when this is an integer that fits int64.
  std::optional<int64_t> integer() const;
  /// JavaScript truthiness, as VoicePing's router applies it to ids.
  bool truthy() const;
  bool operator==(const value&) const = default;
};

inline constexpr size_t kMaxDepth = 8;

/// Decodes exactly one value from `in`; nullopt when it is malformed, truncated, too deep, or
/// followed by more bytes.
std::optional<value> decode(std::string_view in);

/// Appends the encoding of `v` in its smallest form (as notepack and msgpack-java write it).
void encode(const value& v, std::string& out);
std::string encode(const value& v);

}  // namespace sb::msgpack
