#pragma once

namespace loadgen {

/// `loadgen chat`: acknowledged chat messages per second and their ack latency
/// (chat_load.cpp for the options).
int run_chat(int argc, char** argv);

}  // namespace loadgen
