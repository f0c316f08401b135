// Judges the Socket.IO suite's runs (mocha JSON reports given as arguments) as its README
// judges the reference server: every test passes in at least one run, and every failure is
// the suite's heartbeat race (a ping "2" read where the test expected another packet).
import { readFileSync } from "node:fs";

const reports = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, "utf8")));
const passed = new Set();
const all = new Set();
let bad = 0;
for (const r of reports) {
  for (const t of r.tests) all.add(t.fullTitle);
  for (const t of r.passes) passed.add(t.fullTitle);
  for (const t of r.failures) {
    const race = t.err && t.err.actual === "2";
    console.log(`${race ? "ping race" : "FAILURE"}: ${t.fullTitle}: ${t.err && t.err.message}`);
    if (!race) bad++;
  }
}
const never = [...all].filter((t) => !passed.has(t));
for (const t of never) console.log(`never passed: ${t}`);
console.log(`${reports.length} run(s): ${passed.size}/${all.size} tests passed at least once`);
process.exit(bad || never.length || all.size === 0 ? 1 : 0);
