#pragma once

namespace loadgen {

/// `loadgen failover …`: on a three-member cluster, one talk group with a member connected to
/// each node; finds the group's owner, kills it (SIGKILL), and prints how long it took until
/// a survivor's member got the floor again and until the other survivor heard its audio.
int run_failover(int argc, char** argv);

}  // namespace loadgen
