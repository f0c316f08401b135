#pragma once

namespace loadgen {

/// `loadgen ptt …`: sets up an event with talk groups and members through the REST API, opens
/// one native WebSocket per member, lets one talker per group send Opus-sized audio frames at
/// a fixed rate, and prints delivered frames/s, end-to-end latency, and the node's CPU and RSS.
int run_ptt(int argc, char** argv);

}  // namespace loadgen
