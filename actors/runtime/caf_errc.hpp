#pragma once

// Makes sb::errc usable as a caf::error. Include only in translation units that already use CAF.

#include <caf/error.hpp>
#include <caf/sec.hpp>

#include "config/ground/errc.hpp"

CAF_ERROR_CODE_ENUM(sb::errc, "sb")

namespace sb {

/// Maps any CAF error onto the public vocabulary: our own category passes through, a request
/// timeout becomes `timeout`, everything else is `internal`.
inline errc to_errc(const caf::error& err) {
  if (err.category() == caf::atom("sb")) return static_cast<errc>(err.code());
  if (err == caf::sec::request_timeout) return errc::timeout;
  return errc::internal;
}

}  // namespace sb
