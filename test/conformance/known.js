// Disagreements between the shim and the browser's own value that the corpus expects, each with
// its root cause. Read by corpus.test.ts (an unlisted disagreement fails the test) and by
// scripts/conformance-report.mjs (the causes go into docs/conformance.md). An entry whose
// disagreement does not show in a run is reported as agreeing; it does not fail.
//
// browser: 'chromium' | 'firefox'; profile: 'modern' | 'firefox-82-112' | 'ice-only'.

const BLIP = 'The answerer checks the offerer\'s fingerprint, finds it right and reports DTLS "connected" for a few ms, until the offerer\'s alert fails it (natively too). With no DTLS transport exposed for a data channel, the shim reads DTLS from getStats() and, depending on timing, sees that blip or not.';
const FF_RENEGOTIATION = 'Firefox counts the new transceiver\'s DTLS transport as "connecting" for a moment while the offer is pending. Without sender/receiver transports the shim cannot see it, and iceConnectionState does not move.';

const BLIP_MODERN = 'The same blip with every transport exposed: the answerer\'s DTLS transport turns "connected" and then "failed" within about a millisecond. webrtc-pc re-derives the connection state in a separately queued task after each DTLS change; when that task runs after the failure, "connected" is never the value (the shim, seen once so far in Chromium); the browser computed it at the first change.';

/** @type {Array<{ browser: string, profile: string, scenario: string, cause: string }>} */
export const known = [
  { browser: 'chromium', profile: 'modern', scenario: 'dtls-failure', cause: BLIP_MODERN },
  { browser: 'firefox', profile: 'modern', scenario: 'dtls-failure', cause: BLIP_MODERN },
  { browser: 'chromium', profile: 'firefox-82-112', scenario: 'dtls-failure', cause: BLIP },
  { browser: 'chromium', profile: 'ice-only', scenario: 'dtls-failure', cause: BLIP },
  { browser: 'firefox', profile: 'firefox-82-112', scenario: 'dtls-failure', cause: BLIP },
  { browser: 'firefox', profile: 'ice-only', scenario: 'dtls-failure', cause: BLIP },
  { browser: 'firefox', profile: 'ice-only', scenario: 'renegotiate', cause: FF_RENEGOTIATION },
];

/** The cause listed for this disagreement, or undefined. */
export function knownCause(browser, profile, scenario) {
  for (const k of known) {
    if (k.browser === browser && k.profile === profile && k.scenario === scenario) return k.cause;
  }
  return undefined;
}
