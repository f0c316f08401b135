// The official socket.io-client (4.8) against Switchboard's Socket.IO gateway, as the UCaaS
// web client (seed 004) uses it. One scenario per run:
//   node chat_e2e.js <scenario> <port> <alice token> <bob token> <alice id> <bob id>
// Scenarios: chat (an upgrading client and a WebSocket-only one chat: ack, receive, resend,
// history, read receipt, typing and its expiry), polling (a polling-only client),
// auth (refused handshakes surface as connect_error with a message), flood (Alice sends 30
// messages at once against a budget of 20 a minute: the rest are refused, and the count of
// accepted ones is printed as "accepted: N"), interop (Alice on Socket.IO, Bob on a native
// WebSocket driven by the test: she sends "from socket.io" and waits for "from native"),
// presence (Bob sees Alice in his contact list go online, away, and offline after the grace),
// softphone (seed 004's call:* / webrtc:* between two Socket.IO users), signaling (seed 003's
// join-call / webrtc-* / toggle-* / leave-call on a call made over REST).
// Exit 0 on success; 1 with the reason on stderr.
'use strict';
const { io } = require('socket.io-client');

const [scenario, port, aliceToken, bobToken, aliceId, bobId] = process.argv.slice(2);
const url = `http://127.0.0.1:${port}`;
const fail = (why) => {
  console.error('FAIL: ' + why);
  process.exit(1);
};
setTimeout(() => fail(`scenario ${scenario} did not finish within 30 s`), 30000).unref();
const check = (cond, what) => {
  if (!cond) fail(what);
};

/// Connects; `before(socket)` runs first, to listen for what comes with the connection.
function connect(token, options = {}, before = () => {}) {
  const socket = io(url, { auth: { token }, reconnection: false, ...options });
  before(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

/// The next `event` on `socket` (after `skip` of them), or a failure after `ms`.
function next(socket, event, ms = 5000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => fail(`no ${event} within ${ms} ms`), ms);
    socket.once(event, (payload) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

/// True when `event` does not come within `ms`.
function quiet(socket, event, ms = 300) {
  return new Promise((resolve) => {
    const seen = () => resolve(false);
    socket.once(event, seen);
    setTimeout(() => {
      socket.off(event, seen);
      resolve(true);
    }, ms);
  });
}

const ask = (socket, event, payload) => socket.timeout(5000).emitWithAck(event, payload);

async function chat() {
  const alice = await connect(aliceToken);  // polling first, then the upgrade
  const bob = await connect(bobToken, { transports: ['websocket'] });
  check((await ask(alice, 'user:register', { userId: aliceId })).ok, 'register');
  const wrong = await ask(bob, 'user:register', { userId: aliceId });
  check(!wrong.ok && wrong.error.code === 'forbidden', 'registering as another user is refused');

  const received = next(bob, 'message:receive');
  const sent = await ask(alice, 'message:send', { toUserId: bobId, content: 'hello', clientMsgId: 'c1' });
  check(sent.ok && sent.message.seq === 1 && sent.message.content === 'hello', `ack ${JSON.stringify(sent)}`);
  const got = await received;
  check(got.id === sent.message.id && got.fromUserId === aliceId && got.toUserId === bobId,
        `receive ${JSON.stringify(got)}`);
  // A replayed emit (same clientMsgId): the first message, nothing new for Bob.
  const quietBob = quiet(bob, 'message:receive');
  const again = await ask(alice, 'message:send', { toUserId: bobId, content: 'hello', clientMsgId: 'c1' });
  check(again.ok && again.message.id === sent.message.id, 'resend answers the first message');
  check(await quietBob, 'a resend reaches nobody');
  const bad = await ask(alice, 'message:send', { toUserId: bobId });
  check(!bad.ok && bad.error.code === 'bad_request', `missing content: ${JSON.stringify(bad)}`);

  const loaded = next(bob, 'conversation:loaded');
  const history = await ask(bob, 'conversation:load', { contactId: aliceId, limit: 10 });
  check(history.ok && history.messages.length === 1 && history.hasMore === false,
        `history ${JSON.stringify(history)}`);
  check((await loaded).messages[0].id === sent.message.id, 'conversation:loaded');

  const receipt = next(alice, 'messages:read');
  const read = await ask(bob, 'messages:read', { contactId: aliceId });
  check(read.ok && read.receipt.readSeq === 1, `read ${JSON.stringify(read)}`);
  const heard = await receipt;
  check(heard.userId === bobId && heard.readSeq === 1, `receipt ${JSON.stringify(heard)}`);

  // Typing: told at once, and stopped by the server when no refresh comes.
  const typing = next(bob, 'typing:indication');
  alice.emit('typing:start', { toUserId: bobId });
  const on = await typing;
  check(on.fromUserId === aliceId && on.isTyping === true, `typing ${JSON.stringify(on)}`);
  const off = await next(bob, 'typing:indication', 5000);
  check(off.isTyping === false, 'typing expires');
  check(alice.io.engine.transport.name === 'websocket', 'the polling client upgraded');
  alice.close();
  bob.close();
}

async function polling() {
  const alice = await connect(aliceToken, { transports: ['polling'], upgrade: false });
  const bob = await connect(bobToken, { transports: ['polling'], upgrade: false });
  for (let i = 0; i < 3; i++) {
    const got = next(bob, 'message:receive');
    const sent = await ask(alice, 'message:send', { toUserId: bobId, content: `poll ${i}` });
    check(sent.ok, 'sent over polling');
    check((await got).content === `poll ${i}`, 'received over polling');
  }
  check(alice.io.engine.transport.name === 'polling', 'stayed on polling');
  alice.close();
  bob.close();
}

async function auth() {
  for (const [token, code] of [['not-a-token', 'unauthorized'], ['', 'unauthorized']]) {
    try {
      await connect(token);
      fail(`token '${token}' was accepted`);
    } catch (err) {
      check(err.message.length > 0 && err.data && err.data.code === code,
            `connect_error ${err.message} ${JSON.stringify(err.data)}`);
    }
  }
  const socket = io(`${url}/admin`, { auth: { token: aliceToken }, reconnection: false });
  const err = await new Promise((resolve) => socket.once('connect_error', resolve));
  check(err.message === 'Invalid namespace', `namespace: ${err.message}`);
  socket.close();
}

async function flood() {
  const alice = await connect(aliceToken, { transports: ['websocket'] });
  const acks = await Promise.all(Array.from({ length: 30 }, (_, i) =>
    ask(alice, 'message:send', { toUserId: bobId, content: `flood ${i}`, clientMsgId: `f${i}` })));
  const accepted = acks.filter((a) => a.ok).length;
  const refused = acks.filter((a) => !a.ok && a.error.code === 'too_many_requests').length;
  check(accepted + refused === 30, `every send answered: ${JSON.stringify(acks)}`);
  check(refused >= 10, `the budget held: ${refused} refused`);
  alice.close();
  // The node serves on: Bob connects and reads what was accepted.
  const bob = await connect(bobToken);
  const history = await ask(bob, 'conversation:load', { contactId: aliceId, limit: 100 });
  check(history.ok && history.messages.length === accepted, 'history holds the accepted ones');
  console.log(`accepted: ${accepted}`);
  bob.close();
}

async function interop() {
  const alice = await connect(aliceToken);
  const reply = next(alice, 'message:receive', 10000);
  const sent = await ask(alice, 'message:send', { toUserId: bobId, content: 'from socket.io' });
  check(sent.ok, 'sent to the native user');
  const got = await reply;
  check(got.content === 'from native' && got.fromUserId === bobId, `got ${JSON.stringify(got)}`);
  alice.close();
}

/// The next user:status about `userId` on `socket`.
function statusOf(socket, userId, ms = 5000) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => fail(`no user:status of ${userId} within ${ms} ms`), ms);
    const handler = (p) => {
      if (p.userId !== userId) return;
      clearTimeout(timer);
      socket.off('user:status', handler);
      resolve(p);
    };
    socket.on('user:status', handler);
  });
}

async function presence() {
  let initial;
  const bob = await connect(bobToken, { transports: ['websocket'] }, (socket) => {
    initial = statusOf(socket, aliceId);  // the contact list's state, sent on connect
  });
  initial = await initial;
  check(initial.status === 'offline', `initial ${JSON.stringify(initial)}`);
  const online = statusOf(bob, aliceId);
  const alice = await connect(aliceToken);
  check((await online).status === 'online', 'online');
  const away = statusOf(bob, aliceId);
  check((await ask(alice, 'user:status', { status: 'away' })).ok, 'away accepted');
  check((await away).status === 'away', 'away');
  const offline = statusOf(bob, aliceId);
  alice.close();
  const gone = await offline;
  check(gone.status === 'offline' && typeof gone.lastSeen === 'string', `offline ${JSON.stringify(gone)}`);
  bob.close();
}

// The UCaaS softphone (seed 004): Alice dials Bob's extension (102); SDP and ICE cross; Alice
// hangs up.
async function softphone() {
  const alice = await connect(aliceToken);
  const bob = await connect(bobToken, { transports: ['websocket'] });
  const ringing = next(bob, 'call:incoming');
  const placed = await ask(alice, 'call:initiate', { toExtension: '102', sdp: 'v=0\r\n' });
  check(placed.ok && placed.call.state === 'ringing', `initiate ${JSON.stringify(placed)}`);
  const callId = placed.call.id;
  const incoming = await ringing;
  check(incoming.callId === callId && incoming.callerId === aliceId && incoming.sdp === 'v=0\r\n',
        `incoming ${JSON.stringify(incoming)}`);
  const answered = next(alice, 'call:answered');
  check((await ask(bob, 'call:answer', { callId })).call.state === 'active', 'answered');
  check((await answered).userId === bobId, 'alice hears the answer');
  const offer = next(bob, 'webrtc:offer');
  check((await ask(alice, 'webrtc:offer', { callId, offer: { type: 'offer', sdp: 'o' } })).ok, 'offer');
  const o = await offer;
  check(o.sdp === 'o' && o.offer.type === 'offer' && o.from === aliceId, `offer ${JSON.stringify(o)}`);
  const answer = next(alice, 'webrtc:answer');
  check((await ask(bob, 'webrtc:answer', { callId, sdp: 'a' })).ok, 'answer sdp');
  check((await answer).answer.sdp === 'a', 'answer relayed');
  const ice = next(bob, 'webrtc:ice-candidate');
  const candidate = { candidate: 'candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  check((await ask(alice, 'webrtc:ice-candidate', { callId, candidate })).ok, 'ice');
  check((await ice).candidate.candidate === candidate.candidate, 'ice relayed');
  const ended = next(bob, 'call:ended');
  check((await ask(alice, 'call:end', { callId })).call.state === 'ended', 'ended');
  check((await ended).by === aliceId, 'bob hears the end');
  const bad = await ask(alice, 'call:answer', {});
  check(!bad.ok && bad.error.code === 'bad_request', `no callId: ${JSON.stringify(bad)}`);
  alice.close();
  bob.close();
}

// The WebRTC signaling client (seed 003): the call is made over REST, both join it, then
// offer, toggles and leave.
async function signaling() {
  // Both connected first: a call made while its callee has no device online is missed.
  const alice = await connect(aliceToken);
  const bob = await connect(bobToken);
  const made = await fetch(`${url}/api/calls/initiate`, {
    method: 'POST',
    headers: { authorization: `Bearer ${aliceToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId: bobId, media: 'video' }),
  });
  check(made.status === 201, `REST initiate ${made.status}`);
  const callId = (await made.json()).data.id;
  check((await ask(alice, 'join-call', { callId })).ok, 'the caller joins (binds this device)');
  const joined = next(alice, 'user-joined');
  check((await ask(bob, 'join-call', { callId })).call.state === 'active', 'bob joins: answered');
  check((await joined).userId === bobId, 'user-joined');
  const offer = next(bob, 'webrtc-offer');
  check((await ask(alice, 'webrtc-offer', { callId, sdp: 'o3' })).ok, 'offer');
  check((await offer).sdp === 'o3', 'webrtc-offer relayed');
  const muted = next(alice, 'audio-toggled');
  check((await ask(bob, 'toggle-audio', { callId, enabled: false })).ok, 'toggle');
  const m = await muted;
  check(m.userId === bobId && m.enabled === false, `audio-toggled ${JSON.stringify(m)}`);
  const over = next(alice, 'call-ended');
  check((await ask(bob, 'leave-call', { callId })).ok, 'leave');
  check((await over).state === 'ended', 'call-ended');
  alice.close();
  bob.close();
}

const scenarios = { chat, polling, auth, flood, interop, presence, softphone, signaling };
if (!scenarios[scenario]) fail(`no scenario ${scenario}`);
scenarios[scenario]().then(() => {
  console.log(`ok: ${scenario}`);
  process.exit(0);
}, (err) => fail(err.stack || String(err)));
