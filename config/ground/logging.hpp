#pragma once

#include <string>
#include <string_view>

namespace sb {

/// Installs the process-wide spdlog logger on stderr. `level` is one of trace, debug, info, warn,
/// error, off (validated by the config loader). With `json`, every line is one JSON object:
/// {"ts":"…","level":"info","logger":"switchboard","msg":"…"}.
void init_logging(std::string_view level, bool json);

/// Returns `url` with any password replaced by "***", for logging connection strings.
std::string redact_url(std::string_view url);

}  // namespace sb
