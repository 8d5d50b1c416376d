// What the peer tests' servers (janus.mjs, turn.mjs) share: how one is started and crashed.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

/**
 * Starts `exe` with `args`, keeping the last 4,000 characters of its output, and returns
 * `{ child, log(), kill() }`. `kill()` is a SIGKILL (the server crashes: no goodbye on the
 * wire), then removes `dir`, its temp folder, and resolves once the process is gone.
 */
export function startServer(exe, args, dir) {
  const child = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d) => { log = (log + d).slice(-4000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    child,
    log: () => log,
    kill() {
      try { child.kill('SIGKILL'); } catch (e) { /* gone */ }
      return new Promise((done) => {
        const end = () => { rmSync(dir, { recursive: true, force: true }); done(); };
        if (child.exitCode !== null || child.signalCode !== null) end();
        else child.once('exit', end);
      });
    },
  };
}
