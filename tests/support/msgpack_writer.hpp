#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace sb::test::mp {

// MessagePack written by hand from the specification, independently of the server's codec,
// so that tests can state VoicePing frames byte by byte.

inline std::string be(uint64_t x, int n) {
  std::string out;
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
  return out;
}

/// Smallest form, as notepack and msgpack-java write non-negative integers.
inline std::string uint(uint64_t x) {
  if (x < 0x80) return std::string(1, static_cast<char>(x));
  if (x <= 0xff) return "\xcc" + be(x, 1);
  if (x <= 0xffff) return "\xcd" + be(x, 2);
  if (x <= 0xffffffffULL) return "\xce" + be(x, 4);
  return "\xcf" + be(x, 8);
}

inline std::string str(const std::string& s) {
  if (s.size() < 32) return std::string(1, static_cast<char>(0xa0 | s.size())) + s;
  if (s.size() <= 0xff) return "\xd9" + be(s.size(), 1) + s;
  return "\xda" + be(s.size(), 2) + s;
}

inline std::string bin(const std::string& b) {
  if (b.size() <= 0xff) return "\xc4" + be(b.size(), 1) + b;
  return "\xc5" + be(b.size(), 2) + b;
}

inline std::string arr(std::initializer_list<std::string> items) {
  std::string out(1, static_cast<char>(0x90 | items.size()));
  for (const auto& i : items) out += i;
  return out;
}

}  // namespace sb::test::mp
