#pragma once

#include "config/ground/errc.hpp"

namespace sb {

/// Counts one error sent to a client, in sb_errors_total{code="…"}.
void count_error(errc code);

}  // namespace sb
