#pragma once

// One fuzz target per parser. SB_FUZZ_TARGET(name) { body over `data` and `size` } is, in a
// libFuzzer build (SB_FUZZ=ON, clang), the target's LLVMFuzzerTestOneInput; in the ordinary
// build it registers the body with fuzz_replay, which runs every target over its corpus as a
// regression test. A body checks what must hold with SB_FUZZ_CHECK, which aborts (a crash to
// libFuzzer, a failure to the replay) with the condition and the line.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sb::fuzz {

using target_fn = void (*)(const uint8_t* data, size_t size);

/// Registers a target for fuzz_replay (ordinary build only).
bool register_target(std::string_view name, target_fn fn);

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

}  // namespace sb::fuzz

#define SB_FUZZ_CHECK(cond)                                                              \
  do {                                                                                   \
    if (!(cond)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                      \
    }                                                                                    \
  } while (false)

#ifdef SB_LIBFUZZER
#define SB_FUZZ_TARGET(name)                                                \
  static void sb_fuzz_##name(const uint8_t* data, size_t size);             \
  extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) { \
    sb_fuzz_##name(data, size);                                             \
    return 0;                                                               \
  }                                                                         \
  static void sb_fuzz_##name(const uint8_t* data, size_t size)
#else
#define SB_FUZZ_TARGET(name)                                     \
  static void sb_fuzz_##name(const uint8_t* data, size_t size);  \
  [[maybe_unused]] static const bool sb_fuzz_registered_##name = \
      ::sb::fuzz::register_target(#name, sb_fuzz_##name);        \
  static void sb_fuzz_##name(const uint8_t* data, size_t size)
#endif
