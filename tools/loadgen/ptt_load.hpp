#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace loadgen {

/// An event with `groups` talk-group channels of `members` users each, made through the REST
/// API with an administrator's `token`: the channels, and every member's access token (member
/// i is in channels[i / members]).
struct channel_setup {
  std::vector<std::string> channels;
  std::vector<std::string> tokens;
};
/// A UUID's 16 bytes, as audio frames carry a channel id.
std::string uuid_bytes(const std::string& uuid);

channel_setup set_up_channels(const std::string& host, uint16_t port, const std::string& token,
                              int groups, int members, int setup_threads);

/// `loadgen ptt …`: sets up an event with talk groups and members through the REST API, opens
/// one native WebSocket per member, lets one talker per group send Opus-sized audio frames at
/// a fixed rate, and prints delivered frames/s, end-to-end latency, and the node's CPU and RSS.
int run_ptt(int argc, char** argv);

}  // namespace loadgen
