// Lab network namespaces for the tests that make real faults or run real peers (test/net,
// test/peers; ../shared/notes/network-lab.md): a veth pair at 192.0.2.50 (TEST-NET-1) with a
// default route, so ICE gathers a host candidate there. Made here and removed after, whatever
// happens (exit, signal); nothing outside them is touched.
import { execFileSync, spawn } from 'node:child_process';

const PREFIX = 'rtcshim-lab-';
// `ip` and `nft` live in /usr/sbin, which a non-login shell may not list; the workers inherit it.
process.env.PATH = `${process.env.PATH || ''}:/usr/sbin:/sbin`;

/** The name of this process's `i`-th namespace. */
export const nsName = (i) => `${PREFIX}${process.pid}-${i}`;

function sh(cmd, a, quiet) {
  return execFileSync(cmd, a, { stdio: quiet ? 'ignore' : ['ignore', 'pipe', 'pipe'] });
}

/** Why the lab cannot run here, or '' when it can. */
export function missing() {
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
export function makeNamespace(name) {
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
export function removeNamespace(name) {
  try {
    const pids = sh('ip', ['netns', 'pids', name]).toString().split(/\s+/).filter(Boolean);
    for (const pid of pids) try { process.kill(Number(pid), 'SIGKILL'); } catch (e) { /* gone */ }
  } catch (e) { /* no such namespace */ }
  try { sh('ip', ['netns', 'del', name], true); } catch (e) { /* already gone */ }
  made.delete(name);
}
/** Namespaces an earlier run of this script left behind (its process gone): ours by name only. */
export function removeStale() {
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
export const cleanUp = () => { for (const n of [...made]) removeNamespace(n); };
process.on('exit', cleanUp);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { cleanUp(); process.exit(130); });


/**
 * Runs `node script ...args` inside a namespace of its own (made here, removed after) with
 * LAB_NS set, stopped with SIGTERM after `ms`. Resolves with the JSON of its `RESULT ` line, or
 * `{ error }` saying why there is none; `ms` of the run either way.
 */
export function runInNamespace(ns, script, args, ms) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const fail = (error) => resolve({ error, ms: Date.now() - t0 });
    try {
      makeNamespace(ns);
    } catch (e) {
      removeNamespace(ns);
      fail(`making namespace ${ns}: ${e.stderr || e.message}`);
      return;
    }
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, script, ...args], {
      env: { ...process.env, LAB_NS: ns }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      removeNamespace(ns);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) return fail(`no result (exit ${code}${Date.now() - t0 >= ms ? `, killed after ${ms / 1000} s` : ''}): ${err.slice(-600)}`);
      resolve({ result: JSON.parse(line.slice(7)), ms: Date.now() - t0 });
    });
  });
}

/** Prints one report (`label name (version, s)`, a line per test) and adds its counts to `total`. */
export function printReport(label, r, total) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  console.log(`\n${label} ${r.name} (${(/(?:Chrome|Firefox)\/(\S+)/.exec(r.version) || [])[0] || r.version}${r.ms ? `, ${(r.ms / 1000).toFixed(1)} s` : ''})`);
  for (const t of r.tests) {
    c[t.status]++;
    const mark = t.status === 'passed' ? '✓' : t.status === 'skipped' ? '-' : '✗';
    console.log(`  ${mark} ${t.name}${t.error ? `: ${t.error}` : ''}${t.note ? ` [${t.note}]` : ''}`);
  }
  for (const k of Object.keys(c)) total[k] += c[k];
}
