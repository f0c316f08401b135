#pragma once

namespace loadgen {

/// `loadgen calls …`: sets up caller/callee pairs (callees with extensions) through the REST
/// API, one native WebSocket each, places calls by extension at a fixed rate until all are
/// live at once, each callee answering as it rings, and prints call setups per second, the
/// invite → incoming and invite → active latencies, and the node's CPU and RSS.
int run_calls(int argc, char** argv);

}  // namespace loadgen
