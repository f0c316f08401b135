#pragma once

namespace loadgen {

/// `loadgen sio …`: a channel's chat over Socket.IO. Sets up one talk-group channel of
/// `--members` users through the REST API (its conversation has them all as members), opens
/// one Socket.IO connection per member (Engine.IO v4 over WebSocket, bare sockets), prints
/// the node's memory per idle connection, then lets the first member send `--rate` messages/s
/// to the channel (`message:send`, acknowledged after commit) for `--duration` s and prints
/// acknowledgements, deliveries (`message:receive` at every other member)/s and their latency.
/// `--plain` runs the same clients against a plain Socket.IO server with no accounts (the
/// comparison server of tools/bench-peers): no setup, every client in one room.
int run_sio(int argc, char** argv);

}  // namespace loadgen
