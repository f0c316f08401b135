#pragma once

// Every message tag of the node, in one place: an atom is a 64-bit value on the wire, so two
// modules choosing the same text would deliver each other's messages. CAF 0.17 atoms hold at
// most 10 characters.

#include <caf/atom.hpp>

namespace sb {

using store_atom = caf::atom_constant<caf::atom("store")>;
using flush_atom = caf::flush_atom;
using tick_atom = caf::tick_atom;
using drain_atom = caf::atom_constant<caf::atom("drain")>;
using ready_atom = caf::atom_constant<caf::atom("ready")>;
/// A session's next try at loading the talk groups its user hears (the store was down).
using rejoin_atom = caf::atom_constant<caf::atom("rejoin")>;
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

// The cluster's membership (actors/cluster).
/// (hello_atom, member_info) to a peer's membership actor: here I am; the answer is its view.
using hello_atom = caf::atom_constant<caf::atom("hello")>;
/// (heartbeat_atom, name, incarnation): the sender is alive.
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
/// (seed_atom): try the seeds and the known members not connected.
using seed_atom = caf::atom_constant<caf::atom("seed")>;
using get_atom = caf::get_atom;
/// (broadcast_atom, caf::message) to the local membership actor: to every other member, which
/// hands it to its node as (deliver_atom, caf::message).
using broadcast_atom = caf::atom_constant<caf::atom("broadcast")>;
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
/// (forget_atom, kind, id) delivered from another member: drop cached identity facts of a user,
/// an app or a tenant.
using forget_atom = caf::atom_constant<caf::atom("forget")>;

// Identity and the directory.
using hash_atom = caf::atom_constant<caf::atom("pwhash")>;
using verify_atom = caf::atom_constant<caf::atom("pwverify")>;
/// (kick_atom, tag, code, reason) to the directory; (kick_atom, code, reason) to a session.
using kick_atom = caf::atom_constant<caf::atom("kick")>;
/// (tell_atom, tag, caf::message) to the directory: the message goes to every tagged actor.
using tell_atom = caf::atom_constant<caf::atom("tell")>;
/// (forward_atom, id, caf::message, activate) to the directory: the message goes to the actor
/// of one logical id.
using forward_atom = caf::atom_constant<caf::atom("forward")>;

// Push-to-talk: talk groups, sessions and the recorder.
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using unsubscribe_atom = caf::atom_constant<caf::atom("unsubscr")>;
using talk_start_atom = caf::atom_constant<caf::atom("talkstart")>;
using talk_stop_atom = caf::atom_constant<caf::atom("talkstop")>;
using audio_atom = caf::atom_constant<caf::atom("audio")>;
using text_atom = caf::atom_constant<caf::atom("text")>;
using membership_atom = caf::atom_constant<caf::atom("members")>;
using traffic_atom = caf::atom_constant<caf::atom("traffic")>;
using floor_timer_atom = caf::atom_constant<caf::atom("floortimer")>;
using rec_open_atom = caf::atom_constant<caf::atom("recopen")>;
using rec_append_atom = caf::atom_constant<caf::atom("recappend")>;
using rec_close_atom = caf::atom_constant<caf::atom("recclose")>;
using rec_read_atom = caf::atom_constant<caf::atom("recread")>;
using rec_size_atom = caf::atom_constant<caf::atom("recsize")>;
using direct_atom = caf::atom_constant<caf::atom("direct")>;

// Calls.
using invite_atom = caf::atom_constant<caf::atom("invite")>;
using call_cmd_atom = caf::atom_constant<caf::atom("callcmd")>;
/// (call_atom, shared_bytes) to a session: a call event to write to its client.
using call_atom = caf::atom_constant<caf::atom("call")>;
using ring_timer_atom = caf::atom_constant<caf::atom("ringtimer")>;
using grace_timer_atom = caf::atom_constant<caf::atom("gracetimer")>;
using matrix_atom = caf::atom_constant<caf::atom("matrix")>;

// Chat.
using chat_send_atom = caf::atom_constant<caf::atom("chatsend")>;
using chat_change_atom = caf::atom_constant<caf::atom("chatchange")>;
using chat_pointer_atom = caf::atom_constant<caf::atom("chatptr")>;
using chat_typing_atom = caf::atom_constant<caf::atom("chattyping")>;
/// (chat_members_atom) to a talk-group channel's conversation: its listeners changed.
using chat_members_atom = caf::atom_constant<caf::atom("chatmember")>;
/// (channel_text_atom, message) to a talk group: its channel's conversation got a message.
using channel_text_atom = caf::atom_constant<caf::atom("chantext")>;
/// (typing_timer_atom, user, generation): a member's typing expires.
using typing_timer_atom = caf::atom_constant<caf::atom("typingtime")>;
// Presence.
using presence_join_atom = caf::atom_constant<caf::atom("prjoin")>;
using presence_watch_atom = caf::atom_constant<caf::atom("prwatch")>;
using presence_grace_atom = caf::atom_constant<caf::atom("prgrace")>;
/// (sio_event_atom, event) to a Socket.IO session: an event its client emitted.
using sio_event_atom = caf::atom_constant<caf::atom("sioevent")>;
/// (fanout_atom, event, share of the connections) to a fan-out lane: write it to them.
using fanout_atom = caf::atom_constant<caf::atom("fanout")>;
/// Cluster placement: (place_atom) to the directory when the members changed; (home_atom, id)
/// activates an entity on this node whatever the placement says; (moved_atom) to an entity
/// that now belongs to another member, (moved_atom, channel) to a session whose group moved.
using place_atom = caf::atom_constant<caf::atom("place")>;
using home_atom = caf::atom_constant<caf::atom("home")>;
using moved_atom = caf::atom_constant<caf::atom("moved")>;
/// A talk group's relay on another member: (relay_atom, session, user, wire, relay) subscribes
/// one of its connections; (relay_job_atom, frames) is one event for its connections.
using relay_atom = caf::atom_constant<caf::atom("relay")>;
using relay_job_atom = caf::atom_constant<caf::atom("relayjob")>;

}  // namespace sb
