// Two real WebRTC peers place a call through Switchboard's native signaling only: Alice
// dials Bob's extension, Bob answers, SDP and trickle ICE cross the node, and the peer
// connection must reach "connected" and carry a data-channel message both ways.
// Usage: node call_e2e.js <port> <alice token> <bob token> <bob extension> [socketio]
// With "socketio", Alice is a Socket.IO client (the UCaaS softphone's call:* and webrtc:*
// events, through the official socket.io-client of tests/socketio) and Bob a native device.
// Exit 0 on success; 1 (with the reason on stderr) on failure or after 30 s.
'use strict';
const { RTCPeerConnection } = require('@roamhq/wrtc');
const WebSocket = require('ws');

const [port, aliceToken, bobToken, bobExtension, aliceKind] = process.argv.slice(2);
const fail = (why) => {
  console.error('FAIL: ' + why);
  process.exit(1);
};
setTimeout(() => fail('no connected call within 30 s'), 30000).unref();

function device(token) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { Authorization: `Bearer ${token}` } });
  let next = 0;
  const waiting = new Map();
  const handlers = {};
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.id !== undefined && waiting.has(m.id)) {
      const { resolve } = waiting.get(m.id);
      waiting.delete(m.id);
      return resolve(m);
    }
    if (handlers[m.type]) handlers[m.type](m);
  });
  const ask = (msg) => new Promise((resolve, reject) => {
    const id = `r${++next}`;
    waiting.set(id, { resolve });
    ws.send(JSON.stringify({ ...msg, id }));
  }).then((reply) => {
    if (reply.type !== 'call.ok') fail(`${msg.type} answered ${JSON.stringify(reply)}`);
    return reply.call;
  });
  const open = new Promise((resolve) => ws.on('open', resolve));
  ws.on('error', (e) => fail('WebSocket error: ' + e.message));
  return { ws, ask, on: (type, fn) => { handlers[type] = fn; }, open };
}

// The same device interface over Socket.IO: native requests become the softphone's events
// (acknowledged), and its events come back under the native names the peers listen to.
function sioDevice(token) {
  const { io } = require('../socketio/node_modules/socket.io-client');
  const socket = io(`http://127.0.0.1:${port}`, { auth: { token }, reconnection: false });
  const events = {
    'call.invite': (m) => ['call:initiate', { toExtension: m.to }],
    'call.answer': (m) => ['call:answer', { callId: m.call_id }],
    'call.offer': (m) => ['webrtc:offer', { callId: m.call_id, sdp: m.sdp }],
    'call.answer_sdp': (m) => ['webrtc:answer', { callId: m.call_id, sdp: m.sdp }],
    'call.ice': (m) => ['webrtc:ice-candidate', { callId: m.call_id, candidate: m.candidate }],
    'call.end': (m) => ['call:end', { callId: m.call_id }],
  };
  const ask = async (msg) => {
    const [event, payload] = events[msg.type](msg);
    const ack = await socket.timeout(10000).emitWithAck(event, payload);
    if (!ack.ok) fail(`${event} answered ${JSON.stringify(ack)}`);
    return ack.call;
  };
  const names = {
    'call.incoming': 'call:incoming',
    'call.offer': 'webrtc:offer',
    'call.answer_sdp': 'webrtc:answer',
    'call.ice': 'webrtc:ice-candidate',
    'call.participant_joined': 'call:answered',
  };
  const on = (type, fn) => socket.on(names[type], (e) => fn({ ...e, call_id: e.callId }));
  const open = new Promise((resolve) => socket.once('connect', resolve));
  socket.on('connect_error', (e) => fail('Socket.IO connect_error: ' + e.message));
  return { ws: socket, ask, on, open };
}

// Signaling for one peer is applied in arrival order: a candidate that arrives while the
// remote description is still being set waits for it. Our own candidates are sent only after
// our description (pc.described()): gathering starts with setLocalDescription, and a candidate
// relayed ahead of its description would reach a peer that cannot use it yet.
function peer(dev, callId) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  let chain = Promise.resolve();
  pc.serial = (fn) => { chain = chain.then(fn).catch((e) => fail(e.stack || String(e))); };
  const described = new Promise((resolve) => { pc.described = resolve; });
  pc.onicecandidate = (e) => {
    if (e.candidate) {
      const candidate = e.candidate.toJSON();
      described.then(() => dev.ask({ type: 'call.ice', call_id: callId(), candidate }));
    }
  };
  dev.on('call.ice', (m) => pc.serial(() => pc.addIceCandidate(m.candidate)));
  return pc;
}

function connected(pc, name) {
  return new Promise((resolve) => {
    const check = () => {
      if (pc.connectionState === 'connected') resolve();
      if (pc.connectionState === 'failed') fail(name + ' connection failed');
    };
    pc.onconnectionstatechange = check;
    check();
  });
}

function message(channel) {
  return new Promise((resolve) => { channel.onmessage = (e) => resolve(String(e.data)); });
}

(async () => {
  const alice = aliceKind === 'socketio' ? sioDevice(aliceToken) : device(aliceToken);
  const bob = device(bobToken);
  await Promise.all([alice.open, bob.open]);
  // Registered sessions answer a ping: then a call to Bob rings this device.
  await new Promise((resolve) => { bob.on('pong', resolve); bob.ws.send('{"type":"ping"}'); });

  let callId = null;
  const alicePc = peer(alice, () => callId);
  const bobPc = peer(bob, () => callId);
  const aliceChannel = alicePc.createDataChannel('chat');
  const bobChannel = new Promise((resolve) => { bobPc.ondatachannel = (e) => resolve(e.channel); });

  bob.on('call.incoming', async (m) => {
    callId = m.call_id;
    await bob.ask({ type: 'call.answer', call_id: m.call_id });
  });
  bob.on('call.offer', (m) => bobPc.serial(async () => {
    await bobPc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
    const answer = await bobPc.createAnswer();
    await bobPc.setLocalDescription(answer);
    await bob.ask({ type: 'call.answer_sdp', call_id: m.call_id, sdp: answer.sdp });
    bobPc.described();
  }));
  alice.on('call.answer_sdp', (m) => alicePc.serial(() => alicePc.setRemoteDescription({ type: 'answer', sdp: m.sdp })));
  alice.on('call.participant_joined', async () => {
    const offer = await alicePc.createOffer();
    await alicePc.setLocalDescription(offer);
    await alice.ask({ type: 'call.offer', call_id: callId, sdp: offer.sdp });
    alicePc.described();
  });

  const call = await alice.ask({ type: 'call.invite', to: bobExtension });
  callId = call.id;
  if (call.state !== 'ringing') fail('call state ' + call.state);

  await Promise.all([connected(alicePc, 'alice'), connected(bobPc, 'bob')]);
  const channel = await bobChannel;
  const toBob = message(channel);
  const toAlice = message(aliceChannel);
  const send = (c, text) => (c.readyState === 'open' ? c.send(text) : (c.onopen = () => c.send(text)));
  send(aliceChannel, 'hello bob');
  send(channel, 'hello alice');
  if ((await toBob) !== 'hello bob' || (await toAlice) !== 'hello alice') fail('data channel');

  const ended = await alice.ask({ type: 'call.end', call_id: callId });
  if (ended.state !== 'ended') fail('end state ' + ended.state);
  console.log(`connected: call ${callId}, alice (${aliceKind || 'native'}) ${alicePc.connectionState}, bob ${bobPc.connectionState}`);
  alicePc.close();
  bobPc.close();
  alice.ws.close();  // a WebSocket, or the Socket.IO socket
  bob.ws.close();
  process.exit(0);
})().catch((e) => fail(e.stack || String(e)));
