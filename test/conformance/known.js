// Disagreements between the shim and the browser's own value that the corpus expects, each with
// its root cause and the one difference it excuses: a difference in the sequence of values that,
// once the named step is taken out of both sequences, leaves them equal. Nothing else is ever
// excused (a wrong final value, a duplicate or browser event, a handler mismatch, or any other
// sequence difference). Read by corpus.test.ts and scripts/conformance-report.mjs, which also
// reports a listed cause that did not show in a run, so that stale entries surface.
//
// browser: 'chromium' | 'firefox'; profile: 'modern' | 'firefox-82-112' | 'ice-only'.

const BLIP = 'The answerer checks the offerer\'s fingerprint, finds it right and reports DTLS "connected" for a few ms, until the offerer\'s alert fails it (natively too). With no DTLS transport exposed for a data channel, the shim reads DTLS from getStats() and, depending on timing, sees that blip or not.';
const FF_RENEGOTIATION = 'Firefox counts the new transceiver\'s DTLS transport as "connecting" for a moment while the offer is pending. Without sender/receiver transports the shim cannot see it, and iceConnectionState does not move.';

const BLIP_MODERN = 'The same blip with every transport exposed: the answerer\'s DTLS transport turns "connected" and then "failed" within about a millisecond. webrtc-pc re-derives the connection state in a separately queued task after each DTLS change; when that task runs after the failure, "connected" is never the value (the shim, seen once so far in Chromium); the browser computed it at the first change.';

const FF_LOSS = 'Under UDP loss Firefox ESR 153 sometimes fails a pair within a few ms of its handshake (native fails too): for those ms its DTLS and ICE transports both read "connected", which is the connection\'s "connected" by webrtc-pc and the shim\'s, then ICE turns "disconnected" and "failed". Firefox re-derives its own value in a queued task that runs after the fall, so it never says "connected" (network lab, 5 % loss: ~1 run in 5 on one peer).';

/**
 * A step that takes out single values: `at(seq, i)` says whether `seq[i]` is one. The function
 * carries `at` so that a caller holding timed events (test/net/compare.mjs) takes out exactly the
 * same ones.
 */
function dropping(at) {
  return Object.assign((seq) => seq.filter((v, i) => !at(seq, i)), { at });
}
/** The DTLS-failure blip: "connected" right before "failed", in either sequence. */
const blip = dropping((seq, i) => seq[i] === 'connected' && seq[i + 1] === 'failed');
/** Firefox's blip: "connected" right before "failed" or "disconnected" (on its way to "failed"). */
const blipDown = dropping((seq, i) => seq[i] === 'connected' && (seq[i + 1] === 'failed' || seq[i + 1] === 'disconnected'));
/** Firefox's moment of "connecting" between two "connected". */
function renegotiationDip(seq) {
  const out = [];
  for (let i = 0; i < seq.length; i++) {
    // "connected", "connecting", "connected" is one "connected" once the dip is taken out.
    if (seq[i] === 'connecting' && out[out.length - 1] === 'connected' && seq[i + 1] === 'connected') i++;
    else out.push(seq[i]);
  }
  return out;
}

/**
 * @type {Array<{ browser: string, profile: string, scenario: string, cause: string,
 *   step: (seq: string[]) => string[] }>}
 */
export const known = [
  { browser: 'chromium', profile: 'modern', scenario: 'dtls-failure', cause: BLIP_MODERN, step: blip },
  { browser: 'firefox', profile: 'modern', scenario: 'dtls-failure', cause: BLIP_MODERN + ' In Firefox ICE may turn "disconnected" in between (network lab).', step: blipDown },
  { browser: 'firefox', profile: 'modern', scenario: 'loss', cause: FF_LOSS, step: blipDown },
  { browser: 'chromium', profile: 'firefox-82-112', scenario: 'dtls-failure', cause: BLIP, step: blip },
  { browser: 'chromium', profile: 'ice-only', scenario: 'dtls-failure', cause: BLIP, step: blip },
  { browser: 'firefox', profile: 'firefox-82-112', scenario: 'dtls-failure', cause: BLIP, step: blip },
  { browser: 'firefox', profile: 'ice-only', scenario: 'dtls-failure', cause: BLIP, step: blip },
  { browser: 'firefox', profile: 'ice-only', scenario: 'renegotiate', cause: FF_RENEGOTIATION, step: renegotiationDip },
];

/** The entry listed for this cell, or undefined. */
export function knownEntry(browser, profile, scenario) {
  for (const k of known) {
    if (k.browser === browser && k.profile === profile && k.scenario === scenario) return k;
  }
  return undefined;
}

/**
 * Whether `entry` excuses the difference between one connection's native and shim sequences:
 * they differ, and taking the named step out of both makes them equal.
 */
export function excuses(entry, native, shim) {
  if (!entry || native.join() === shim.join()) return false;
  return entry.step(native).join() === entry.step(shim).join();
}
