// The behavioural suite runs in real Chromium and Firefox, in groups that differ only in how the
// page gets `connectionState` (see docs/testing.md):
//   native  no shim at all: proves the suite describes what real browsers do
//   forced  install({ force: true }) from the side-effect-free entry, over the native one
//   script  native accessors deleted, dist/rtc-connection-state-shim.min.js as a classic script
//   esm     native accessors deleted, `import 'rtc-connection-state-shim'` (dist/index.js)
//   double  native accessors deleted, both of the above on one page (one install must win)
//   api     install/uninstall/force and the pure rules, against the untouched browser
//   slow    a peer that leaves, waited out to "failed" (15–30 s), in script mode
//   reliability  many connections, leaks, hostile pages and other realms, in script mode
//   ponyfill  watch() from the side-effect-free entry, native accessors deleted, ice-only profile
//   prober  the getStats() path under the ice-only profile: dropped connections collected, no read
//           after uninstall(), a getStats() that throws or rejects
//   adapter-before / adapter-after  webrtc-adapter's build loaded before / after the shim's script
//   recipe-wtr  the page users get from rtc-connection-state-shim/harness testRunnerHtml({ force: true })
//   recipe-wtr-profile  the same with testRunnerHtml({ profile: 'no-ice-transports' })
//   conformance-<profile>  the differential corpus (test/conformance) in script mode, with the
//           browser cut down to a profile first (see PROFILES); results go to results/
// Every shim group keeps the browser's native getter in window.__shimTest.nativeGet (the oracle).
import { appendFileSync, existsSync, mkdirSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { launchers } from './test/browsers.mjs';
import { summaryReporter } from './test/summary-reporter.mjs';

const CONTRACT = 'test/contract/**/*.test.ts';

/**
 * With two pages at a time, one of Firefox's tabs is in the background, where Firefox clamps
 * timers to 1 s and throttles them by budget; the tests time the shim's reads and events, so its
 * background tabs keep foreground timers. (Playwright starts Chromium with background timer
 * throttling off.)
 */
const BACKGROUND_TABS_RUN = {
  'dom.min_background_timeout_value': 4,
  'dom.min_background_timeout_value_without_budget_throttling': 4,
  'dom.timeout.enable_budget_timer_throttling': false,
};

// The Web Test Runner recipe users copy (README "Test harnesses and profiles", docs/harnesses.md), from the built package.
const harness = existsSync(new URL('./dist/harness.js', import.meta.url)) ? await import('./dist/harness.js') : null;

// The older browsers the shim exists for, simulated by deleting what they lacked (on top of
// connectionState and its handler). Each entry: [interface, property].
export const PROFILES = {
  modern: [],
  // Firefox 82–112: DTLS transports on senders and receivers, but no pc.sctp, no
  // RTCDtlsTransport.iceTransport and no RTCIceTransport state.
  'firefox-82-112': [['RTCPeerConnection', 'sctp'], ['RTCDtlsTransport', 'iceTransport'], ['RTCIceTransport', 'state']],
  // Firefox < 82, Chromium < 72: nothing but iceConnectionState.
  'ice-only': [['RTCPeerConnection', 'sctp'], ['RTCDtlsTransport', 'iceTransport'], ['RTCIceTransport', 'state'],
    ['RTCRtpSender', 'transport'], ['RTCRtpReceiver', 'transport']],
  // Chromium 56–63 (Tizen 4–5 TVs, Electron 1.7–2), which no package here ships: ice-only, and no
  // addTrack/removeTrack (addStream only: 64 added them), no transceivers, no getConfiguration
  // (70). Chromium only: Firefox never had addStream. Their legacy getStats(callback), which the
  // shim reads first, cannot be had in modern Chromium (gone in 117); real 64–72 run that path.
  'chromium-56-63': [['RTCPeerConnection', 'sctp'], ['RTCDtlsTransport', 'iceTransport'], ['RTCIceTransport', 'state'],
    ['RTCRtpSender', 'transport'], ['RTCRtpReceiver', 'transport'], ['RTCPeerConnection', 'addTrack'],
    ['RTCPeerConnection', 'removeTrack'], ['RTCPeerConnection', 'getTransceivers'], ['RTCPeerConnection', 'addTransceiver'],
    ['RTCPeerConnection', 'getConfiguration']],
};
/** Profiles that only one browser can take (the others skip the group). */
const PROFILE_BROWSERS = { 'chromium-56-63': 'chromium' };

// Runs before anything else on the page: remember the native getter, then (for the simulated
// "old browser" groups) delete the native accessors the way the checks outside this repo do.
function prelude(mode, deleteNative, profile) {
  const cut = (PROFILES[profile] || []).map(([i, p]) => `if (window.${i}) delete ${i}.prototype.${p};`).join('\n    ');
  return `<script>
  (function () {
    var proto = RTCPeerConnection.prototype;
    var d = Object.getOwnPropertyDescriptor(proto, 'connectionState');
    window.__shimTest = { mode: ${JSON.stringify(mode)}, nativeGet: d && d.get, profile: ${JSON.stringify(profile || null)} };
    ${deleteNative ? "delete proto.connectionState; delete proto.onconnectionstatechange;" : ''}
    ${cut}
  })();
</script>`;
}

const loaders = {
  native: '',
  forced: `<script type="module">
  import { install } from '/dist/fn.js';
  window.__shimTest.install = install({ force: true });
</script>`,
  script: '<script src="/dist/rtc-connection-state-shim.min.js"></script>',
  esm: `<script type="module">import '/dist/index.js';</script>`,
  double: `<script src="/dist/rtc-connection-state-shim.min.js"></script>
<script type="module">import '/dist/index.js';</script>`,
  api: '',
  ponyfill: '',
  // webrtc-adapter's real build as a classic script, before or after the shim's script.
  'adapter-before': `<script src="/node_modules/webrtc-adapter/out/adapter.js"></script>
<script src="/test/adapter/capture.js?adapterGetter"></script>
<script src="/dist/rtc-connection-state-shim.min.js"></script>`,
  'adapter-after': `<script src="/dist/rtc-connection-state-shim.min.js"></script>
<script src="/test/adapter/capture.js?shimGetter"></script>
<script src="/node_modules/webrtc-adapter/out/adapter.js"></script>`,
};

function page(mode, profile) {
  const deleteNative = mode !== 'native' && mode !== 'forced' && mode !== 'api';
  return (testFramework) => `<!doctype html>
<html><head><meta charset="utf-8"></head><body>
${prelude(mode, deleteNative, profile)}
${loaders[mode]}
<script type="module" src="${testFramework}"></script>
</body></html>`;
}

const group = (name, files, mode = name, profile) => {
  const only = PROFILE_BROWSERS[profile];
  const g = { name, files, testRunnerHtml: page(mode, profile) };
  if (only) g.browsers = launchers().filter((l) => l.name.toLowerCase().includes(only));
  return g;
};

// Receives each corpus result from the browser (executeServerCommand) and appends it, one JSON
// line per scenario, to results/conformance.jsonl; the report takes the newest line per key.
function conformanceResults() {
  const dir = new URL('./results/', import.meta.url);
  return {
    name: 'conformance-results',
    executeCommand({ command, payload }) {
      if (command !== 'conformance-result') return undefined;
      mkdirSync(dir, { recursive: true });
      appendFileSync(new URL('conformance.jsonl', dir), JSON.stringify({ ...payload, at: new Date().toISOString() }) + '\n');
      return true;
    },
  };
}

export default {
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, target: 'auto' }), conformanceResults()],
  browsers: launchers(BACKGROUND_TABS_RUN),
  // Two pages at a time in each browser, Chromium and Firefox side by side: 3½ min instead of 6
  // (and 10 one page at a time) on two cores. The suite waits far more than it computes (the CPU
  // was busy ~85 s of a 350 s run): Firefox alone waits ~185 s for six peers that leave, ~30 s
  // each. That makes room for test/peers in a 20-minute `npm test`.
  concurrency: 2,
  concurrentBrowsers: 2,
  browserStartTimeout: 60000,
  testsStartTimeout: 60000,
  testsFinishTimeout: 180000,
  testFramework: { config: { timeout: 20000 } },
  groups: [
    group('native', CONTRACT),
    group('forced', CONTRACT),
    group('script', CONTRACT),
    group('esm', CONTRACT),
    group('double', CONTRACT),
    group('api', ['test/api/**/*.test.ts', 'test/rules.test.ts'], 'api'),
    group('slow', 'test/slow/**/*.test.ts', 'script'),
    group('reliability', 'test/reliability/**/*.test.ts', 'script'),
    group('prober', 'test/prober/**/*.test.ts', 'script', 'ice-only'),
    group('ponyfill', 'test/ponyfill/**/*.test.ts', 'ponyfill', 'ice-only'),
    ...(harness ? [
      { name: 'recipe-wtr', files: 'test/recipes/wtr.test.ts', testRunnerHtml: harness.testRunnerHtml({ force: true }) },
      { name: 'recipe-wtr-profile', files: 'test/recipes/profile.test.ts', testRunnerHtml: harness.testRunnerHtml({ profile: 'no-ice-transports' }) },
    ] : []),
    group('adapter-before', 'test/adapter/**/*.test.ts'),
    group('adapter-after', 'test/adapter/**/*.test.ts'),
    ...Object.keys(PROFILES).map((p) => group(`conformance-${p}`, 'test/conformance/**/*.test.ts', 'script', p)),
  ].filter((g) => !g.browsers || g.browsers.length),
  reporters: [defaultReporter(), summaryReporter()],
};
