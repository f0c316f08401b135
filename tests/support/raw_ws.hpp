#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sb::test {

/// A masked client text frame, as RFC 6455 requires of clients.
std::string masked_text_frame(const std::string& payload);

/// Opens a TCP connection, sends an upgrade request to /ws (authenticated with `token`)
/// immediately followed by `messages` as text frames, all in one write, and closes without
/// waiting for anything.
void blast_and_hang_up(uint16_t port, const std::string& token,
                       const std::vector<std::string>& messages);

}  // namespace sb::test
