// The live demo (npm run demo): one loopback pair; a timeline of the browser's own
// connectionState, the shim's, iceConnectionState and every transport; the shim's explanation.
import { explain, explainNow } from '/dist/explain.js';

const nativeGet = window.__nativeGet;
const $ = (id) => document.getElementById(id);
const demo = (window.__demo = { log: [], rows: {} });
let pair = null;
let t0 = performance.now();
let rows = {}; // label -> [{ state, t }]

function now() {
  return Math.round(performance.now() - t0);
}

function note(label, state) {
  const list = rows[label] || (rows[label] = []);
  if (list.length && list[list.length - 1].state === state) return;
  list.push({ state, t: now() });
  demo.log.push({ row: label, state, t: now() });
}

function event(text) {
  const li = document.createElement('li');
  li.textContent = `${String(now()).padStart(6)} ms  ${text}`;
  $('log').appendChild(li);
  li.scrollIntoView({ block: 'nearest' });
}

function sample() {
  if (!pair) return;
  const { pc1, pc2 } = pair;
  if (nativeGet) note('native connectionState', nativeGet.call(pc1));
  note('shim connectionState', pc1.connectionState);
  note('iceConnectionState', pc1.iceConnectionState);
  // Every transport the browser exposes, as explain() lists them.
  if (pc1.signalingState !== 'closed') for (const t of explainNow(pc1).transports) note(`${t.kind.toUpperCase()} transport ${t.index}`, t.state);
  note('peer: shim connectionState', pc2.connectionState);
}

function render() {
  const span = Math.max(now(), 1000);
  const box = $('timeline');
  box.textContent = '';
  for (const [label, list] of Object.entries(rows)) {
    const name = document.createElement('div');
    name.className = 'label';
    name.textContent = label;
    const track = document.createElement('div');
    track.className = 'track';
    track.dataset.row = label;
    list.forEach((seg, i) => {
      const end = i + 1 < list.length ? list[i + 1].t : now();
      const el = document.createElement('div');
      el.className = `seg s-${seg.state}`;
      el.style.left = `${(seg.t / span) * 100}%`;
      el.style.width = `${Math.max(((end - seg.t) / span) * 100, 0.3)}%`;
      el.textContent = seg.state;
      el.title = `${label}: ${seg.state} from ${seg.t} ms`;
      track.appendChild(el);
    });
    box.append(name, track);
  }
  demo.rows = rows;
}

async function showWhy() {
  if (!pair) return;
  const why = await explain(pair.pc1);
  const lines = [`${why.reason}`, '', `value ${why.value}, rules give ${why.computed}; ICE from ${why.ice.source}`];
  for (const t of why.transports) lines.push(`  ${t.kind.toUpperCase()} transport ${t.index}: ${t.state}${t.carries.length ? ` (${t.carries.join(', ')})` : ''}`);
  if (why.stats) lines.push(`  getStats(): ice [${why.stats.ice.join(', ')}], dtls [${why.stats.dtls.join(', ')}]`);
  $('explain').textContent = lines.join('\n');
  demo.reason = why.reason;
}

function relay(from, to) {
  from.addEventListener('icecandidate', (e) => {
    if (e.candidate && to.signalingState !== 'closed') to.addIceCandidate(e.candidate).catch(() => {});
  });
}

async function negotiate(pc1, pc2, breakDtls) {
  const offer = await pc1.createOffer();
  await pc1.setLocalDescription(offer);
  await pc2.setRemoteDescription(offer);
  const answer = await pc2.createAnswer();
  await pc2.setLocalDescription(answer);
  let sdp = answer.sdp;
  if (breakDtls) sdp = sdp.replace(/(a=fingerprint:\S+ )([0-9A-F])/gi, (m, head, d) => head + (d.toUpperCase() === 'A' ? 'B' : 'A'));
  await pc1.setRemoteDescription({ type: 'answer', sdp });
}

async function start(breakDtls) {
  if (pair) {
    pair.pc1.close();
    pair.pc2.close();
  }
  rows = {};
  demo.log = [];
  $('log').textContent = '';
  t0 = performance.now();
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pair = { pc1, pc2 };
  // The browser's own events, seen before the shim stops them from reaching the page: each one
  // is a moment to read the native value (a sampler alone misses short states).
  const raw = EventTarget.prototype.addEventListener;
  for (const pc of [pc1, pc2]) {
    raw.call(pc, 'connectionstatechange', sample, true);
    raw.call(pc, 'iceconnectionstatechange', sample, true);
  }
  relay(pc1, pc2);
  relay(pc2, pc1);
  pc1.addEventListener('connectionstatechange', () => {
    event(`shim connectionstatechange → ${pc1.connectionState}`);
    sample();
    showWhy();
  });
  pc1.addEventListener('iceconnectionstatechange', () => event(`iceconnectionstatechange → ${pc1.iceConnectionState}`));
  pc1.createDataChannel('demo');
  $('status').textContent = breakDtls ? 'Connecting with a wrong DTLS fingerprint in the answer…' : 'Connecting…';
  sample();
  await negotiate(pc1, pc2, breakDtls);
}

const actions = {
  connect: () => start(false),
  break: () => start(true),
  restart: async () => {
    if (!pair) return;
    $('status').textContent = 'ICE restart: restartIce() and a new offer/answer.';
    pair.pc1.restartIce();
    await negotiate(pair.pc1, pair.pc2, false);
  },
  'peer-leaves': () => {
    if (!pair) return;
    $('status').textContent = 'The peer closed. Natively: "disconnected" after ~5 s (Chromium) or ~10 s (Firefox), "failed" at ~15–30 s.';
    pair.pc2.close();
  },
  close: () => {
    if (!pair) return;
    $('status').textContent = 'close(): "closed" at once, and no event (webrtc-pc).';
    pair.pc1.close();
    sample();
    showWhy();
  },
};
for (const [id, run] of Object.entries(actions)) {
  $(id).addEventListener('click', () => {
    event(`— ${$(id).textContent}`);
    Promise.resolve().then(run).catch((e) => event(`error: ${e}`));
  });
}

setInterval(sample, 10);
setInterval(render, 100);
setInterval(showWhy, 500);
