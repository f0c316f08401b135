#pragma once

namespace loadgen {

/// `loadgen tcpcost …`: the kernel's own price of a fan-out on this machine, without
/// Switchboard: N loopback TCP connections, one thread writing a small message to each of them
/// at a fixed rate, one thread reading them as the ptt benchmark does (epoll, polled). Prints
/// the CPU time per message of the writer and of the reader. On loopback the writer's send
/// also runs the receiving TCP stack, and the reader's recv sends the ACKs back, so together
/// they are the floor under what a node and its listeners on one machine can spend.
int run_tcp_cost(int argc, char** argv);

}  // namespace loadgen
