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
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
/** Browsers at once, each in its own namespace (the faults of one never reach another). */
const CONCURRENCY = Number(args.concurrency || process.env.NET_CONCURRENCY || 4);
/** One worker, start to result (Firefox's lasting outage alone takes ~30 s, its short one too). */
const WORKER_MS = 180000;
const PREFIX = 'rtcshim-lab-';
// `ip` and `nft` live in /usr/sbin, which a non-login shell may not list; the workers inherit it.
process.env.PATH = `${process.env.PATH || ''}:/usr/sbin:/sbin`;

const OLD = [64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76].map((b) => `chromium-${b}`);
// The longest first: Firefox waits ~30 s for each outage.
const ALL = ['firefox', 'chromium', ...OLD];
const wanted = typeof args.only === 'string' ? args.only.split(',') : ALL;

function sh(cmd, a, quiet) {
  return execFileSync(cmd, a, { stdio: quiet ? 'ignore' : ['ignore', 'pipe', 'pipe'] });
}

/** Why the lab cannot run here, or '' when it can. */
function missing() {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid && process.getuid() !== 0) return 'making a network namespace needs root';
  for (const [cmd, a] of [['ip', ['-V']], ['nft', ['--version']]]) {
    try {
      sh(cmd, a, true);
    } catch (e) {
      return `no \`${cmd}\` (apt-get install -y ${cmd === 'ip' ? 'iproute2' : 'nftables'})`;
    }
  }
  return '';
}

const made = new Set();
function makeNamespace(name) {
  made.add(name);
  const steps = [
    ['netns', 'add', name],
    ['-n', name, 'link', 'set', 'lo', 'up'],
    ['-n', name, 'link', 'add', 'lab0', 'type', 'veth', 'peer', 'name', 'lab1'],
    ['-n', name, 'addr', 'add', '192.0.2.50/24', 'dev', 'lab0'],
    ['-n', name, 'link', 'set', 'lab1', 'up'],
    ['-n', name, 'link', 'set', 'lab0', 'up'],
    ['-n', name, 'route', 'add', 'default', 'dev', 'lab0'],
  ];
  for (const s of steps) sh('ip', s);
}
/** Kills whatever still runs in the namespace, then deletes it (its veth pair goes with it). */
function removeNamespace(name) {
  try {
    const pids = sh('ip', ['netns', 'pids', name]).toString().split(/\s+/).filter(Boolean);
    for (const pid of pids) try { process.kill(Number(pid), 'SIGKILL'); } catch (e) { /* gone */ }
  } catch (e) { /* no such namespace */ }
  try { sh('ip', ['netns', 'del', name], true); } catch (e) { /* already gone */ }
  made.delete(name);
}
/** Namespaces an earlier run of this script left behind (its process gone): ours by name only. */
function removeStale() {
  let list = '';
  try { list = sh('ip', ['netns', 'list']).toString(); } catch (e) { return; }
  for (const line of list.split('\n')) {
    const m = new RegExp(`^(${PREFIX}(\\d+)-\\d+)`).exec(line);
    if (!m) continue;
    let alive = true;
    try { process.kill(Number(m[2]), 0); } catch (e) { alive = false; }
    if (!alive) removeNamespace(m[1]);
  }
}
const cleanUp = () => { for (const n of [...made]) removeNamespace(n); };
process.on('exit', cleanUp);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { cleanUp(); process.exit(130); });

function runWorker(browser, i) {
  const ns = `${PREFIX}${process.pid}-${i}`;
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
