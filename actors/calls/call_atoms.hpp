#pragma once

#include <caf/atom.hpp>

namespace sb {

using invite_atom = caf::atom_constant<caf::atom("invite")>;
using call_cmd_atom = caf::atom_constant<caf::atom("callcmd")>;
/// (call_atom, shared_bytes) to a session: a call event to write to its client.
using call_atom = caf::atom_constant<caf::atom("call")>;
using ring_timer_atom = caf::atom_constant<caf::atom("ringtimer")>;
using grace_timer_atom = caf::atom_constant<caf::atom("gracetimer")>;
using matrix_atom = caf::atom_constant<caf::atom("matrix")>;

}  // namespace sb
