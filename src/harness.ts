/**
 * rtc-connection-state-shim/harness — for test harnesses, on the Node side: put the
 * self-installing script into every page before the page's own code, optionally forced over a
 * native `connectionState` (to test an app against the shim in a modern browser), or with the
 * browser cut down first to what an older browser exposes (a {@link Profile}).
 *
 * - Playwright: `await context.addInitScript({ content: initScript({ profile: 'no-ice-transports' }) })`,
 *   or `page.addInitScript({ path: scriptPath })` for the plain script.
 * - Puppeteer: `await page.evaluateOnNewDocument(initScript({ profile: 'no-transports' }))`.
 * - Web Test Runner: `testRunnerHtml: testRunnerHtml({ force: true })` in the config (or in a group).
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * What an older browser lacked, removed from a modern one before the shim loads, so the shim does
 * exactly what it would do there. Each removes `connectionState` and `onconnectionstatechange`,
 * and then:
 * - `no-connection-state`: nothing more (every transport stays readable);
 * - `no-ice-transports`: `pc.sctp`, `RTCDtlsTransport.iceTransport` and `RTCIceTransport.state`, as
 *   in Firefox 82–112 (DTLS transports on senders and receivers only);
 * - `no-transports`: also `RTCRtpSender.transport` and `RTCRtpReceiver.transport`, as in Chrome < 72,
 *   Firefox < 82 and legacy Edge (nothing but `iceConnectionState`, and `getStats()`);
 * - `no-transceivers`: also `addTrack`/`removeTrack` (media by `addStream`), `getTransceivers`/
 *   `addTransceiver` and `getConfiguration`, as in Chromium 56–63 (Tizen 4–5 TVs, Electron 1.7–2).
 *   Chromium only: Firefox has no `addStream`. Their legacy `getStats(callback)` cannot be had in a
 *   modern Chromium; the promise form stays.
 */
export type Profile = 'no-connection-state' | 'no-ice-transports' | 'no-transports' | 'no-transceivers';

/** Options for {@link initScript} and {@link testRunnerHtml}. */
export interface HarnessOptions {
  /** Also replace a native `connectionState` (`install({ force: true })`). */
  force?: boolean;
  /** Cut the browser down to an older one's API first (then the shim installs without `force`). */
  profile?: Profile;
}

type Cut = ReadonlyArray<readonly [string, string]>;

/** What `no-ice-transports` deletes; `no-transports` deletes it too. */
const ICE_TRANSPORTS_CUT: Cut = [['RTCPeerConnection', 'sctp'], ['RTCDtlsTransport', 'iceTransport'], ['RTCIceTransport', 'state']];

/** What `no-transports` deletes; `no-transceivers` deletes it too. */
const TRANSPORTS_CUT: Cut = ICE_TRANSPORTS_CUT.concat([['RTCRtpSender', 'transport'], ['RTCRtpReceiver', 'transport']]);

/** The properties each {@link Profile} deletes, as [interface, property] on its prototype. */
export const PROFILES: Readonly<Record<Profile, Cut>> = {
  'no-connection-state': [],
  'no-ice-transports': ICE_TRANSPORTS_CUT,
  'no-transports': TRANSPORTS_CUT,
  'no-transceivers': TRANSPORTS_CUT.concat(['addTrack', 'removeTrack', 'getTransceivers', 'addTransceiver', 'getConfiguration']
    .map((m) => ['RTCPeerConnection', m] as const)),
};

/** Absolute path of the self-installing script (`dist/rtc-connection-state-shim.min.js`). */
export const scriptPath: string = fileURLToPath(new URL('./rtc-connection-state-shim.min.js', import.meta.url));

/**
 * The script's source for `addInitScript({ content })` / `evaluateOnNewDocument`: after the
 * profile's deletions when one is given, followed by a forced install when asked.
 * Throws on an unknown profile name.
 */
export function initScript(options: HarnessOptions = {}): string {
  let code = readFileSync(scriptPath, 'utf8');
  if (options.profile) {
    const cut = PROFILES[options.profile];
    if (!cut) throw new Error('unknown profile "' + options.profile + '" (known: ' + Object.keys(PROFILES).join(', ') + ')');
    const pairs = ([['RTCPeerConnection', 'connectionState'], ['RTCPeerConnection', 'onconnectionstatechange']] as Array<readonly [string, string]>).concat(cut);
    code = '(function (g, cut) { cut.forEach(function (c) { var I = g[c[0]]; if (I && I.prototype) delete I.prototype[c[1]]; }); })(' +
      'typeof globalThis === "object" ? globalThis : self, ' + JSON.stringify(pairs) + ');\n' + code;
  }
  return options.force ? code + "\n;typeof RTCConnectionStateShim === \"object\" && RTCConnectionStateShim.install({ force: true });\n" : code;
}

/**
 * A Web Test Runner `testRunnerHtml`: the page runs the shim inline in its head (after the
 * profile's deletions, if any), then loads the test framework.
 */
export function testRunnerHtml(options: HarnessOptions = {}): (testFramework: string) => string {
  const code = initScript(options).replace(/<\/script/gi, '<\\/script');
  return (testFramework) => '<!doctype html>\n<html><head><meta charset="utf-8"><script>' + code +
    '</script></head>\n<body><script type="module" src="' + testFramework + '"></script></body></html>';
}
