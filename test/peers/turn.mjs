// A real TURN relay for the peer tests: Debian's coturn (`turnserver`, 4.6.x), started with no
// config file (`-n`) and everything on its command line, its pid file and user db in a temp folder
// (never the system service or /etc/turnserver.conf), and killed by pid whatever happens
// (../shared/notes/real-peers.md). UDP and TCP on one port; no TLS (see `startTurn`).
import { connect } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';

/** Why coturn cannot run here, or ''. */
export function turnMissing() {
  return existsSync('/usr/bin/turnserver') ? '' : 'no coturn (apt-get install -y coturn)';
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts coturn on `ip:port` (UDP and TCP), relaying from `ip` on ports `relay[0]`–`relay[1]`,
 * with one long-term credential. Resolves once its TCP port accepts, with `{ server(transport),
 * kill() }`; `server('udp' | 'tcp')` is the RTCIceServer a page passes in `iceServers`.
 * TLS (`turns:`) is left out: coturn would need a certificate, and browsers check it against
 * a CA the test cannot install in every build's profile.
 */
export async function startTurn({ ip, port = 3478, relay = [49200, 49400] }) {
  const dir = mkdtempSync(join(tmpdir(), 'rtcshim-turn-'));
  // SIGKILL on kill(): the relay crashes, and every allocation on it goes at once.
  const server = startServer('/usr/bin/turnserver', [
    '-n', '--listening-ip', ip, '--relay-ip', ip, '--listening-port', String(port),
    '--min-port', String(relay[0]), '--max-port', String(relay[1]),
    '--lt-cred-mech', '--user', 'shim:test', '--realm', 'test', '--fingerprint',
    '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers',
    '--pidfile', join(dir, 'pid'), '--userdb', join(dir, 'db'), '--log-file', 'stdout', '--simple-log',
  ], dir);
  const { child, log } = server;
  const turn = {
    log,
    server: (transport) => ({ urls: `turn:${ip}:${port}?transport=${transport}`, username: 'shim', credential: 'test' }),
    kill: server.kill,
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const ok = await new Promise((resolve) => {
      const s = connect(port, ip, () => { s.destroy(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return turn;
    await sleep(100);
  }
  await turn.kill();
  throw new Error(`coturn did not listen on ${ip}:${port}: ${log().slice(-1500)}`);
}
