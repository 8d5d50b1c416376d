// Network faults in real browsers (see test/net/worker.mjs for the scenarios): Debian's Chromium,
// Firefox ESR, and every Chromium from 64 to 76. Each browser runs in a lab network namespace of
// its own (../shared/notes/network-lab.md): a veth pair at 192.0.2.50 (TEST-NET-1) with a default
// route, so ICE gathers a host candidate, and nftables rules that drop UDP there and nowhere
// else. Namespaces are made here and removed after, whatever happens (exit, signal, timeout);
// nothing outside them is touched. Needs root, `ip` and `nft` (.ci/run installs nftables):
// without them every browser's tests are skipped by name, with the reason.
//
//   node test/net/run.mjs [--only=chromium-71,firefox] [--concurrency=N]
//
// Prints `network <browser> (...)` with one line per test, and last
// `network: N passed, M failed, K skipped`; writes results/network.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUp, missing, nsName, printReport, removeStale, runInNamespace } from './namespace.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
/** Browsers at once, each in its own namespace (the faults of one never reach another). */
const CONCURRENCY = Number(args.concurrency || process.env.NET_CONCURRENCY || 4);
/** One worker, start to result (Firefox's lasting outage alone takes ~30 s, its short one too). */
const WORKER_MS = 180000;

const OLD = [64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76].map((b) => `chromium-${b}`);
// The longest first: Firefox waits ~30 s for each outage.
const ALL = ['firefox', 'chromium', ...OLD];
const wanted = typeof args.only === 'string' ? args.only.split(',') : ALL;

async function runWorker(browser, i) {
  const r = await runInNamespace(nsName(i), join(ROOT, 'test/net/worker.mjs'), [`--browser=${browser}`], WORKER_MS);
  if (r.error) return { name: browser, version: '?', ms: r.ms, tests: [{ name: 'lab', status: 'failed', error: r.error }] };
  return { ...r.result, ms: r.ms };
}

const started = Date.now();
const total = { passed: 0, failed: 0, skipped: 0 };
const reports = [];
const why = missing();
if (why) {
  for (const b of wanted) {
    const r = { name: b, version: '-', tests: [{ name: 'network faults', status: 'skipped', error: `skipped: ${why}` }] };
    reports.push(r);
    printReport('network', r, total);
  }
} else {
  removeStale();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, wanted.length) }, async () => {
    while (next < wanted.length) {
      const i = next++;
      const r = await runWorker(wanted[i], i);
      reports.push(r);
      printReport('network', r, total);
    }
  }));
}
console.log(`network: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`);
mkdirSync(join(ROOT, 'results'), { recursive: true });
writeFileSync(join(ROOT, 'results', 'network.json'), JSON.stringify({ at: new Date().toISOString(), browsers: reports }, null, 1));
cleanUp();
process.exit(total.failed ? 1 : 0);
