#!/usr/bin/env python3
"""Writes the seed inputs of every fuzz target into tests/fuzz/corpus/<target>/seed-*.

The seeds are the messages the test suite and docs/protocol.md use, in each target's input
form (see the comment at the top of each target). Campaigns add what they find beside them
(tools/fuzz.sh --keep). Run again after changing a seed here; it rewrites only seed-* files.
"""
import base64, hashlib, hmac, json, os, struct

HERE = os.path.dirname(os.path.abspath(__file__))
JWT_KEY = b"fuzz-secret-0123456789abcdef0123456789"
WEBHOOK_SECRET = b"fuzz-webhook-secret"


def b64url(b):
    return base64.urlsafe_b64encode(b).rstrip(b"=")


def jwt(claims, key, alg="HS256"):
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    sig = b64url(hmac.new(key, head + b"." + body, hashlib.sha256).digest())
    return head + b"." + body + b"." + sig


def ws_frame(opcode, payload, fin=True, mask=b"\x11\x22\x33\x44"):
    first = (0x80 if fin else 0) | opcode
    n = len(payload)
    if n < 126:
        head = bytes([first, 0x80 | n])
    elif n < 65536:
        head = bytes([first, 0x80 | 126]) + struct.pack(">H", n)
    else:
        head = bytes([first, 0x80 | 127]) + struct.pack(">Q", n)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return head + mask + masked


def mp_str(s):
    b = s.encode()
    return bytes([0xA0 | len(b)]) + b if len(b) < 32 else b"\xd9" + bytes([len(b)]) + b


def mp_arr(*items):
    return bytes([0x90 | len(items)]) + b"".join(items)


def mp_int(i):
    return bytes([i]) if 0 <= i < 128 else b"\xd3" + struct.pack(">q", i)


def mp_bin(b):
    return b"\xc4" + bytes([len(b)]) + b


native = [
    {"type": "ping", "id": "p1"},
    {"type": "echo", "id": "e1", "text": "hi"},
    {"type": "ptt.start", "id": "s1", "channel": "c0ffee00-0000-4000-8000-000000000001"},
    {"type": "ptt.stop", "id": "s2", "channel": "c0ffee00-0000-4000-8000-000000000001"},
    {"type": "ptt.start", "id": "s3", "user": "c0ffee00-0000-4000-8000-000000000002"},
    {"type": "text", "id": "t1", "channel": "c0ffee00-0000-4000-8000-000000000001", "text": "hello"},
    {"type": "receipt", "id": "r1", "message": "m1", "read": True},
    {"type": "emergency.start", "id": "x1", "event": "c0ffee00-0000-4000-8000-000000000003"},
    {"type": "call.invite", "id": "c1", "to": "102", "sdp": "v=0\r\n"},
    {"type": "chat.send", "id": "c1", "to": "c0ffee00-0000-4000-8000-000000000002",
     "content": "hi", "clientMsgId": "m-1"},
    {"type": "chat.read", "id": "c2", "to": "c0ffee00-0000-4000-8000-000000000002", "seq": 3},
    {"type": "chat.delivered", "id": "c3", "to": "c0ffee00-0000-4000-8000-000000000002", "seq": 0},
    {"type": "chat.history", "id": "c4", "to": "c0ffee00-0000-4000-8000-000000000002",
     "before": 10, "limit": 50},
    {"type": "chat.edit", "id": "c5", "messageId": "c0ffee00-0000-4000-8000-000000000003",
     "content": "edited"},
    {"type": "chat.delete", "id": "c6", "messageId": "c0ffee00-0000-4000-8000-000000000003"},
]
seeds = {
    "ws_message_reader": [
        b"\x03" + ws_frame(0x1, b"{\"type\":\"ping\",\"id\":\"1\"}"),
        b"\x05" + ws_frame(0x2, bytes(range(40))),
        b"\x02" + ws_frame(0x1, b"hel", fin=False) + ws_frame(0x9, b"p") + ws_frame(0x0, b"lo"),
        b"\x07" + ws_frame(0x8, struct.pack(">H", 1000) + b"bye"),
        b"\x01" + ws_frame(0xA, b"pong"),
        b"\x09" + ws_frame(0x1, "h\u00e9llo \u263a".encode()),
        b"\x04" + ws_frame(0x2, b"x" * 5000),
        b"\x00" + ws_frame(0x1, b"\xff\xfe"),
    ],
    "native_envelope": [json.dumps(m).encode() for m in native]
    + [b"{\"type\":\"echo\"}", b"[1,2]", b"{\"id\":" + b"\"x\"" + b"}", b"not json"],
    "voiceping_msgpack": [
        mp_arr(mp_int(0), mp_int(1), mp_str("alice"), mp_str("channel-1")),
        mp_arr(mp_int(0), mp_int(3), mp_str("alice"), mp_str("channel-1"), mp_bin(b"\x01\x02opus")),
        b"\xc0", b"\xc3", b"\xcb" + struct.pack(">d", 1.5), b"\x81" + mp_str("k") + mp_int(7),
        b"\xc7\x02\x05ab",
    ],
    "voiceping_frame": [
        mp_arr(mp_int(0), mp_int(1), mp_str("alice"), mp_str("channel-1")),
        mp_arr(mp_int(0), mp_int(2), mp_int(42), mp_int(7), mp_str("")),
        mp_arr(mp_int(0), mp_int(3), mp_str("alice"), mp_str("channel-1"), mp_bin(b"opus")),
        mp_arr(mp_int(1), mp_int(17), mp_str("alice"), mp_str("bob"), mp_str("m1"),
               mp_str("{\"text\":\"hi\"}")),
        mp_arr(mp_int(0), mp_int(6), mp_str("a"), mp_str("c"), mp_str("id"), b"\xc0", mp_int(9)),
    ],
    "http_range": [struct.pack("<I", n) + h for n, h in [
        (1000, b"bytes=0-99"), (1000, b"bytes=-500"), (1000, b"bytes=100-"),
        (1000, b"bytes=0-0,5-9"), (0, b"bytes=0-"), (10, b"bytes=20-30"), (10, b"items=0-1")]],
    "database_url": [b"sqlite:/var/lib/switchboard/db.sqlite", b"sqlite://relative.db",
                     b"postgresql://switchboard:s3cret-pass@db.internal:5432/switchboard",
                     b"postgres://db.internal/sb?sslmode=require&password=other-secret",
                     b"mysql://x", b"postgresql://user@host/db"],
    "jwt": [jwt({"sub": "u1", "exp": 1900000000}, JWT_KEY), jwt({"sub": "u1", "exp": 1}, JWT_KEY),
            jwt({"sub": "u1"}, JWT_KEY, alg="none"), jwt({"sub": "u1"}, b"wrong-key"),
            b"a.b.c", b"eyJhbGciOiJIUzI1NiJ9..x"],
}
seeds["toml_config"] = [
    b'[server]\nport = 8080\nhost = "0.0.0.0"\n\n[database]\nurl = "sqlite:/tmp/sb.db"\n',
    b'[http]\nbody_limit = 1_048_576\n[ws]\nping_interval_ms = 0x7530\n[rate_limit]\nenabled = false\n',
    b'"server.port" = 1\n', b'[a]\nb = [1, 2]\n', b'x = -1\n', b"[t]\ns = '''multi\nline'''\n",
    b"k = 'literal'\n[a.b.c]\nd = true\n",
]
uuid = bytes.fromhex("c0ffee0000004000800000000000000a")
seeds["native_ptt_audio"] = [b"\x01\x00" + uuid + b"opus-bytes", b"\x01\x03" + uuid,
                             b"\x01\x01" + uuid[:8], b"\x02\x00" + uuid + b"x"]
body = json.dumps({"call_id": 1234, "state": "ringing", "direction": "inbound",
                   "target": {"id": 42, "type": "user"}}).encode()
sig = base64.b64encode(hmac.new(WEBHOOK_SECRET, body, hashlib.sha256).digest())
seeds["dialpad_webhook"] = [b"\n" + body, sig + b"\n" + body,
                            b"\n" + jwt({"call_id": 1, "state": "hangup"}, WEBHOOK_SECRET),
                            b"bad-signature\n" + body]
seeds["http_request"] = [b"\x05" + r for r in [
    b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 44\r\n\r\n{\"email\":\"a@b.test\",\"password\":\"pw-123456789\"}",
    b"GET /ws?token=abc HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Protocol: voiceping, switchboard.v1\r\n\r\n",
    b"POST /api/cti/webhooks/dialpad HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n",
    b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    b"GET /api/users HTTP/1.1\r\nAuthorization: Bearer eyJ.x.y\r\nX-Big: " + b"a" * 1100 + b"\r\n\r\n",
    b"PUT /x HTTP/1.0\r\nContent-Length: 5000\r\n\r\n" + b"b" * 5000,
    b"GARBAGE\r\n\r\n",
]]
calls = [
    {"type": "call.invite", "id": "c1", "to": "102", "media": "video", "sdp": "v=0\r\no=- 1 2 IN IP4 0.0.0.0\r\n"},
    {"type": "call.invite", "id": 7, "participants": ["101", "c0ffee00-0000-4000-8000-000000000002"]},
    {"type": "call.invite", "id": "c2", "extension": "103", "room_id": "!room:matrix.test"},
    {"type": "call.answer", "id": "a1", "call_id": "c0ffee00-0000-4000-8000-0000000000c1"},
    {"type": "call.offer", "id": "o1", "call_id": "k1", "to": "u2", "sdp": "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"},
    {"type": "call.answer_sdp", "id": "o2", "call_id": "k1", "sdp": "v=0\r\n"},
    {"type": "call.ice", "id": "i1", "call_id": "k1", "candidate": {
        "candidate": "candidate:1 1 udp 2122260223 192.0.2.1 54321 typ host", "sdpMid": "0",
        "sdpMLineIndex": 0, "usernameFragment": "abcd"}},
    {"type": "call.ice", "id": "i2", "call_id": "k1", "candidate": {"candidate": "", "sdpMid": None}},
    {"type": "call.media", "id": "m1", "call_id": "k1", "audio": False, "video": True},
    {"type": "call.end", "id": "e1", "call_id": "k1"},
    {"type": "call.status", "id": "s1", "call_id": "k1"},
]
seeds["call_signaling"] = [json.dumps(m).encode() for m in calls]
seeds["api_input"] = [
    b"/api/calls/abc%2Fdef/answer\n" + json.dumps({"name": " Alice ", "email": "A@Example.test",
        "count": 5, "flag": True, "meta": {"a": 1}, "tags": ["x", "y"], "ext": "101"}).encode(),
    b"/health\nname=Bob&count=-3&flag=false&email=b%40x.test&note=%00",
    b"//api//calls//k1\n" + json.dumps({"password": "correct horse battery", "kind": "video",
        "sdp": "v=0\r\n", "note": None, "unknown": 1}).encode(),
    b"/api/calls/1\nname=%C3%A9t%C3%A9&ext=12a&tags=x",
    b"/nope\n{\"name\": 1, \"count\": 1e3, \"meta\": [], \"tags\": []}",
    b"/api/v1/call-history\n" + json.dumps({"at": "2026-01-28T12:00:00.000Z"}).encode(),
    b"/x\nat=2026-02-29T25:00:00%2B02:00",
    b"/x\n" + json.dumps({"at": "2024-02-29T23:59:59.123456-11:30"}).encode(),
]
# The conformance suites' packets (tests/conformance) and what the seeds' clients send.
seeds["engineio_payload"] = [
    b"4hello", b"4test1\x1e4test2\x1e4test3", b"4hello\x1ebAQIDBA==", b"1", b"3", b"2probe", b"5",
    b"6", b'42["message:send",{"to":"u2","text":"hi"}]\x1e3',
    b"b" + base64.b64encode(bytes(range(256))), b"0", b"",
]
seeds["socketio_packet"] = [
    b"0", b'0{"token":"123"}', b"0/custom,", b'0/custom,{"token":"abc"}', b"0/random",
    b"1", b"1/custom,", b'2["message",1,"2",{"3":[true]}]', b'2456["message-with-ack",1,"2"]',
    b'52-["message",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
    b'52-789["message-with-ack",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]',
    b'3456[1,"2",{"3":[false]}]', b"62-789[{\"_placeholder\":true,\"num\":0}]",
    b'4{"message":"Invalid namespace"}', b"abc", b"2{}", b'2abc["x"]',
    b'2/admin,12["conversation:load",{"contactId":"u2","limit":50}]',
    b'2["user:register",{"userId":"u1","extension":"1001"}]',
]
seeds["chat_message"] = [
    b"hi", "été 📞".encode(), b"   ", b"", b"\xc0\xaf", b"x" * 600, b"line one\nline two",
    b'quote " and \\ backslash', b"\x00nul",
]
U1 = "c0ffee00-0000-4000-8000-000000000002"
seeds["sio_chat_event"] = [json.dumps(e).encode() for e in [
    ["user:register", {"userId": U1}], ["user:register"],
    ["message:send", {"toUserId": U1, "content": "hi", "clientMsgId": "c1"}],
    ["message:send", {"conversationId": U1, "content": ""}],
    ["conversation:load", {"contactId": U1, "limit": 50, "before": 10}],
    ["messages:read", {"contactId": U1, "upToSeq": 3}], ["messages:read", {"userId": U1}],
    ["message:edit", {"messageId": U1, "content": "x"}], ["message:delete", {"messageId": U1}],
    ["typing:start", {"toUserId": U1}], ["typing:stop", {"to": U1}], ["call:initiate", {}],
    ["message:send", "not an object"], [1, 2],
    ["call:initiate", {"toExtension": "102", "sdp": "v=0\r\n"}], ["call:answer", {"callId": U1}],
    ["webrtc:offer", {"callId": U1, "offer": {"type": "offer", "sdp": "v=0"}}],
    ["webrtc:ice-candidate", {"callId": U1, "candidate": {"candidate": "", "sdpMid": "0"}}],
    ["join-call", {"callId": U1}], ["toggle-audio", {"callId": U1, "enabled": False}],
    ["toggle-video", {"callId": U1}], ["leave-call", {"callId": U1}],
    ["webrtc-answer", {"callId": U1, "sdp": "a"}], ["ice-candidate", {"call_id": U1}],
]]
seeds["forwarded_for"] = [
    b"true\n127.0.0.1\n203.0.113.5, 10.0.0.2", b"1\n10.0.0.1\n203.0.113.5, 10.0.0.2",
    b"2\n10.0.0.1\n203.0.113.5, 198.51.100.7, 10.0.0.2",
    b"10.0.0.0/8, 127.0.0.1\n127.0.0.1\n2001:db8::1, 10.1.2.3",
    b"::1, fd00::/8\n::1\nnot-an-ip, fd00::5", b"false\n127.0.0.1\n203.0.113.5",
    b"127.0.0.1/33\n127.0.0.1\n1.2.3.4", b"true\n::ffff:127.0.0.1\n,,, ,1.2.3.4",
]
seeds["matrix_answers"] = [
    b'{"user_id":"@alice:matrix.test","device_id":"ABC","is_guest":false}',
    b'{"errcode":"M_UNKNOWN_TOKEN","error":"Unknown access token"}',
    b'{"joined":{"@alice:matrix.test":{"display_name":"Alice","avatar_url":null},'
    b'"@bob:matrix.test":{}}}',
    b'{"joined":{"not-a-user":{},"@:x":{},"@a:":{},"@ok:hs.example:8448":{}}}',
    b'{"user_id":"@a b:c"}', b'{"joined":[]}', b'[]', b'{"user_id":' + b'"@' + b'x' * 300 + b':h"}',
]

for target, inputs in seeds.items():
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    for old in os.listdir(folder):
        if old.startswith("seed-"):
            os.remove(os.path.join(folder, old))
    for i, data in enumerate(inputs):
        with open(os.path.join(folder, "seed-%02d" % i), "wb") as f:
            f.write(data)
print("seeds written for", ", ".join(seeds))
