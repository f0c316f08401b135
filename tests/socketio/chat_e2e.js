// The official socket.io-client (4.8) against Switchboard's Socket.IO gateway, as the UCaaS
// web client (seed 004) uses it. One scenario per run:
//   node chat_e2e.js <scenario> <port> <alice token> <bob token> <alice id> <bob id>
// Scenarios: chat (an upgrading client and a WebSocket-only one chat: ack, receive, resend,
// history, read receipt, typing and its expiry), polling (a polling-only client),
// auth (refused handshakes surface as connect_error with a message), flood (Alice sends 30
// messages at once against a budget of 20 a minute: the rest are refused, and the count of
// accepted ones is printed as "accepted: N"), interop (Alice on Socket.IO, Bob on a native
// WebSocket driven by the test: she sends "from socket.io" and waits for "from native"),
// presence (Bob sees Alice in his contact list go online, away, and offline after the grace).
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

const scenarios = { chat, polling, auth, flood, interop, presence };
if (!scenarios[scenario]) fail(`no scenario ${scenario}`);
scenarios[scenario]().then(() => {
  console.log(`ok: ${scenario}`);
  process.exit(0);
}, (err) => fail(err.stack || String(err)));
