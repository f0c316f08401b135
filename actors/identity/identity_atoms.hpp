#pragma once

#include <caf/atom.hpp>

namespace sb {

using hash_atom = caf::atom_constant<caf::atom("pwhash")>;
using verify_atom = caf::atom_constant<caf::atom("pwverify")>;
/// (kick_atom, tag, code, reason) to the directory; (kick_atom, code, reason) to a session.
using kick_atom = caf::atom_constant<caf::atom("kick")>;
/// (tell_atom, tag, caf::message) to the directory: the message goes to every tagged actor.
using tell_atom = caf::atom_constant<caf::atom("tell")>;

}  // namespace sb
