#pragma once

// Message tags shared across actors. CAF 0.17 atoms hold at most 10 characters.

#include <caf/atom.hpp>

namespace sb {

using store_atom = caf::atom_constant<caf::atom("store")>;
using flush_atom = caf::flush_atom;
using tick_atom = caf::tick_atom;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
using restart_atom = caf::atom_constant<caf::atom("restart")>;
using resolve_atom = caf::atom_constant<caf::atom("resolve")>;
using register_atom = caf::atom_constant<caf::atom("register")>;
using list_atom = caf::atom_constant<caf::atom("list")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using online_atom = caf::atom_constant<caf::atom("online")>;
using tagged_atom = caf::atom_constant<caf::atom("tagged")>;
using inbound_atom = caf::atom_constant<caf::atom("inbound")>;
using closed_atom = caf::atom_constant<caf::atom("closed")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using voiceping_atom = caf::atom_constant<caf::atom("voiceping")>;
using replaced_atom = caf::atom_constant<caf::atom("replaced")>;
using loaded_atom = caf::atom_constant<caf::atom("loaded")>;

}  // namespace sb
