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
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUp, makeNamespace, missing, nsName, removeNamespace, removeStale } from './namespace.mjs';

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

function runWorker(browser, i) {
  const ns = nsName(i);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const fail = (error) => resolve({ name: browser, version: '?', ms: Date.now() - t0, tests: [{ name: 'lab', status: 'failed', error }] });
    try {
      makeNamespace(ns);
    } catch (e) {
      removeNamespace(ns);
      fail(`making namespace ${ns}: ${e.stderr || e.message}`);
      return;
    }
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, join(ROOT, 'test/net/worker.mjs'), `--browser=${browser}`], {
      env: { ...process.env, LAB_NS: ns }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGTERM'), WORKER_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      removeNamespace(ns);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return fail(`no result (exit ${code}${Date.now() - t0 >= WORKER_MS ? `, killed after ${WORKER_MS / 1000} s` : ''}): ${err.slice(-600)}`);
      resolve({ ...JSON.parse(line.slice(7)), ms: Date.now() - t0 });
    });
  });
}

function print(r, total) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  console.log(`\nnetwork ${r.name} (${(/(?:Chrome|Firefox)\/(\S+)/.exec(r.version) || [])[0] || r.version}${r.ms ? `, ${(r.ms / 1000).toFixed(1)} s` : ''})`);
  for (const t of r.tests) {
    c[t.status]++;
    const mark = t.status === 'passed' ? '✓' : t.status === 'skipped' ? '-' : '✗';
    console.log(`  ${mark} ${t.name}${t.error ? `: ${t.error}` : ''}${t.note ? ` [${t.note}]` : ''}`);
  }
  for (const k of Object.keys(c)) total[k] += c[k];
}

const started = Date.now();
const total = { passed: 0, failed: 0, skipped: 0 };
const reports = [];
const why = missing();
if (why) {
  for (const b of wanted) {
    const r = { name: b, version: '-', tests: [{ name: 'network faults', status: 'skipped', error: `skipped: ${why}` }] };
    reports.push(r);
    print(r, total);
  }
} else {
  removeStale();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, wanted.length) }, async () => {
    while (next < wanted.length) {
      const i = next++;
      const r = await runWorker(wanted[i], i);
      reports.push(r);
      print(r, total);
    }
  }));
}
console.log(`network: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`);
mkdirSync(join(ROOT, 'results'), { recursive: true });
writeFileSync(join(ROOT, 'results', 'network.json'), JSON.stringify({ at: new Date().toISOString(), browsers: reports }, null, 1));
cleanUp();
process.exit(total.failed ? 1 : 0);
