// A real SFU for the peer tests: Debian's Janus (1.1.x, libnice ICE, OpenSSL DTLS), started from a
// config generated in a temp folder (never the system service or /etc/janus), with only the
// EchoTest plugin and the HTTP transport, and killed by pid whatever happens
// (../shared/notes/real-peers.md). Its HTTP API is spoken here, from Node: the page hands over its
// offer and gets Janus's answer, as an app's signalling would.
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './server.mjs';

const LIB = '/usr/lib/x86_64-linux-gnu/janus';

/** Why Janus cannot run here, or ''. */
export function janusMissing() {
  if (!existsSync('/usr/bin/janus')) return 'no Janus (apt-get install -y janus)';
  if (!existsSync(join(LIB, 'plugins', 'libjanus_echotest.so'))) return `no EchoTest plugin in ${LIB}/plugins`;
  return '';
}

/** Everything in `folder` of LIB but `keep`, as Janus's comma-separated `disable` list. */
function allBut(folder, keep) {
  return readdirSync(join(LIB, folder)).filter((f) => f.endsWith('.so') && f !== keep).join(',');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts Janus listening for HTTP on `ip:port`, gathering ICE candidates on `ip` only;
 * `iceLite`: ICE-lite (the browser is always controlling). Resolves once the API answers.
 */
export async function startJanus({ ip, port, iceLite = false }) {
  const dir = mkdtempSync(join(tmpdir(), 'rtcshim-janus-'));
  const disableAll = (folder) => readdirSync(join(LIB, folder)).filter((f) => f.endsWith('.so')).join(',');
  writeFileSync(join(dir, 'janus.jcfg'), `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 3
  log_to_stdout = true
  session_timeout = 0
}
media: { }
nat: {
  nice_debug = false
  ice_lite = ${iceLite}
  ice_enforce_list = "${ip}"
}
plugins: { disable = "${allBut('plugins', 'libjanus_echotest.so')}" }
transports: { disable = "${allBut('transports', 'libjanus_http.so')}" }
loggers: { disable = "${disableAll('loggers')}" }
events: { broadcast = false disable = "${disableAll('events')}" }
`);
  writeFileSync(join(dir, 'janus.transport.http.jcfg'), `general: { json = "plain" base_path = "/janus" http = true port = ${port} ip = "${ip}" https = false }
admin: { admin_http = false }
`);
  writeFileSync(join(dir, 'janus.plugin.echotest.jcfg'), 'general: { }\n');
  // SIGKILL on kill(): the server crashes, no DTLS alert, nothing more on the wire.
  const server = startServer('/usr/bin/janus', ['-F', dir, '-C', join(dir, 'janus.jcfg'), '-o'], dir);
  const { child, log } = server;
  const base = `http://${ip}:${port}/janus`;
  const janus = { base, child, iceLite, log, kill: server.kill };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) break;
    const ok = await fetch(`${base}/info`).then((r) => r.ok, () => false);
    if (ok) return janus;
    await sleep(100);
  }
  await janus.kill();
  throw new Error(`Janus did not answer on ${base}: ${log().slice(-1500)}`);
}

let tx = 0;
/** One request to Janus's REST API; throws Janus's own error. */
export async function post(url, body, ms = 10000) {
  const r = await fetch(url, {
    method: 'POST', body: JSON.stringify({ transaction: `t${++tx}`, ...body }), signal: AbortSignal.timeout(ms),
  });
  const json = await r.json();
  if (json.janus === 'error') throw new Error(`Janus: ${json.error && json.error.reason}`);
  return json;
}

/**
 * One EchoTest session: `offer(sdp)` sends the page's offer (audio, video, data) and resolves with
 * Janus's answer; `hangup()` asks Janus to end the PeerConnection (it sends a DTLS alert);
 * `destroy()` ends the session. A long poll collects Janus's events meanwhile.
 */
export async function echoSession(janus) {
  const session = (await post(janus.base, { janus: 'create' })).data.id;
  const surl = `${janus.base}/${session}`;
  const handle = (await post(surl, { janus: 'attach', plugin: 'janus.plugin.echotest' })).data.id;
  const hurl = `${surl}/${handle}`;
  const events = [];
  const waiters = [];
  let polling = true;
  (async () => {
    while (polling) {
      try {
        const r = await fetch(`${surl}?maxev=10&rid=${Date.now()}`, { signal: AbortSignal.timeout(40000) });
        const list = await r.json();
        for (const e of [].concat(list)) {
          events.push(e);
          for (const w of waiters.splice(0)) w();
        }
      } catch (e) {
        if (!polling) return;
        await sleep(200);
      }
    }
  })();
  const waitEvent = async (pred, ms) => {
    const end = Date.now() + ms;
    for (;;) {
      const e = events.find(pred);
      if (e) return e;
      if (Date.now() > end) throw new Error(`no such Janus event in ${ms} ms (saw: ${events.map((x) => x.janus).join(', ')})`);
      await Promise.race([new Promise((r) => waiters.push(r)), sleep(250)]);
    }
  };
  return {
    session,
    handle,
    events,
    async offer(sdp, { restart = false } = {}) {
      const body = { audio: true, video: true, data: true };
      if (restart) body.restart = true;
      const seen = events.length;
      const ack = await post(hurl, { janus: 'message', body, jsep: { type: 'offer', sdp } });
      if (ack.jsep) return ack.jsep.sdp;
      const e = await waitEvent((x, i) => i >= seen && x.jsep && x.jsep.type === 'answer', 15000);
      return e.jsep.sdp;
    },
    async hangup() {
      await post(hurl, { janus: 'hangup' });
    },
    async destroy() {
      polling = false;
      await post(surl, { janus: 'destroy' }, 3000).catch(() => {});
    },
    stopPolling() {
      polling = false;
    },
  };
}
