// Lab network namespaces for the tests that make real faults or run real peers (test/net,
// test/peers; ../shared/notes/network-lab.md): a veth pair at 192.0.2.50 (TEST-NET-1) with a
// default route, so ICE gathers a host candidate there. Made here and removed after, whatever
// happens (exit, signal); nothing outside them is touched.
import { execFileSync } from 'node:child_process';

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

