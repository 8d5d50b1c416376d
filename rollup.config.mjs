// Bundles the classic-script entry (compiled by tsc into dist/script.js) into one minified IIFE.
// Target ES2017 throughout: the script must parse in Chromium 71 (no ?., ??, class fields).
import { copyFileSync } from 'node:fs';
import terser from '@rollup/plugin-terser';

/** The shim's own record fields (connection.ts, events.ts, prober.ts, stats.ts, schedule.ts). */
const PRIVATE = new RegExp('^(' + [
  'announced', 'moveLast', 'tail', 'probe', 'callback', 'listener',
  'blind', 'legacy', 'exposedDisconnected', 'folded', 'ref', 'timer', 'inFlight', 'key',
  'since', 'reads', 'elapsed', 'stallSince', 'confirms', 'up', 'onRead', 'stopped', 'selected',
  'seen', 'folds', 'deferred', 'iceEvent', 'connected', 'risky', 'upPending', 'passing', 'given',
  'canStat', 'watchers', 'previous', 'iceTransports', 'dtlsTransports', 'described', 'remote',
  'era', 'off', 'ids', 'watched', 'changed', 'need', 'held', 'exposed', 'stats', 'gathered',
  'gen', 'seenIce', 'followed', 'rtt',
].join('|') + ')$');

/** The harness's `.d.ts` as `.d.cts`, for TypeScript consumers that `require()` it. */
const ctsTypes = {
  name: 'harness-d-cts',
  writeBundle() {
    copyFileSync('dist/harness.d.ts', 'dist/harness.d.cts');
  },
};

const script = {
  input: 'dist/script.js',
  output: {
    file: 'dist/rtc-connection-state-shim.min.js',
    format: 'iife',
    strict: true,
    plugins: [
      terser({
        ecma: 2017,
        module: false,
        compress: { passes: 3, unsafe_arrows: true },
        // Internal record fields only, by explicit name: never public API (install options and
        // results, ConnectionStateInput's `ice`/`dtls`), never what the explain entry (another
        // copy, unmangled) reads from the install mark's `snapshot()` (`derived`, `transports`,
        // and a Derivation's `value`, `ice`, `iceFrom`, `dtls`, `dtlsFrom`), descriptor keys or
        // browser/stats fields. `builtins`: also names that some DOM interface has (`key`,
        // `connected`, `stopped`, `remote`, …), which terser skips by default; the list holds
        // only fields of the shim's own objects.
        mangle: { properties: { regex: PRIVATE, builtins: true } },
        format: { comments: false },
      }),
    ],
  },
};

// The harness runs in Node, where a CommonJS config (Playwright, Jest) may `require()` it: Node
// before 20.19 / 22.12 cannot require an ES module, so it also ships as CommonJS.
const harnessCjs = {
  input: 'dist/harness.js',
  external: ['node:fs', 'node:url'],
  output: { file: 'dist/harness.cjs', format: 'cjs', exports: 'named' },
  plugins: [ctsTypes],
};

export default [script, harnessCjs];
