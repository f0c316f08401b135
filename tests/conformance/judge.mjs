// Judges a suite's runs (mocha JSON reports given as arguments) as the Socket.IO suite's README
// judges the reference server: every test passes in at least one run, and every failure is one
// of the suites' own races: a heartbeat ping "2" read where the test awaited another packet,
// a late "3probe" read by a listener attached after the upgrade
// (socketio/engine.io-protocol#50), or the ping-timeout test's poll, which it sends after
// exactly pingInterval + pingTimeout with no slack, arriving just before the server's timer
// closed the session (200 where it awaits 400; seen beside a loaded CI run).
import { readFileSync } from "node:fs";

const reports = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")));
const passed = new Set();
const all = new Set();
let bad = 0;
for (const r of reports) {
  for (const t of r.tests) all.add(t.fullTitle);
  for (const t of r.passes) passed.add(t.fullTitle);
  for (const t of r.failures) {
    const late_poll =
      t.fullTitle.endsWith("should close the session upon ping timeout") &&
      t.err && String(t.err.actual) === "200" && String(t.err.expected) === "400";
    const race = t.err && (t.err.actual === "2" || t.err.actual === "3probe" || late_poll);
    console.log(`${race ? "ping race" : "FAILURE"}: ${t.fullTitle}: ${t.err && t.err.message}`);
    if (!race) bad++;
  }
}
const never = [...all].filter((t) => !passed.has(t));
for (const t of never) console.log(`never passed: ${t}`);
console.log(`${reports.length} run(s): ${passed.size}/${all.size} tests passed at least once`);
process.exit(bad || never.length || all.size === 0 ? 1 : 0);
