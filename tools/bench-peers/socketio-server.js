// The comparison server of `loadgen sio --plain true` (docs/performance.md): Node's socket.io
// 4.8 doing the least a chat server can for a channel message: every connection joins one
// room; `message:send` is acknowledged with the message and emitted to everyone else in the
// room as `message:receive` (no accounts, no storage: its best case).
//   node tools/bench-peers/socketio-server.js [PORT]
const { Server } = require("socket.io");

const io = new Server({ serveClient: false, maxHttpBufferSize: 1e6 });
const http = require("http").createServer();
io.attach(http);
let next = 0;
io.on("connection", (socket) => {
  socket.join("bench");
  socket.on("message:send", (data, ack) => {
    const message = { id: String(++next), content: data.content, timestamp: Date.now() };
    socket.to("bench").emit("message:receive", message);
    if (typeof ack === "function") ack({ success: true, message });
  });
});
// Port 0 takes a free one; the line below says which (tools/bench.sh reads it).
http.listen(Number(process.argv[2] || 0), () => {
  const { version } = require("socket.io/package.json");
  console.log(`socket.io ${version} on ${http.address().port}, pid ${process.pid}`);
});
