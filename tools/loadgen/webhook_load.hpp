#pragma once

namespace loadgen {

/// `loadgen webhooks …`: many concurrent senders post signed Dialpad webhooks (HS256 JWT
/// bodies, distinct calls) to one app as fast as the node acknowledges them (each 200 comes
/// after the commit), and prints webhooks/s and acknowledgement latency.
int run_webhooks(int argc, char** argv);

}  // namespace loadgen
