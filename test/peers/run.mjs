// Real remote peers (see test/peers/worker.mjs for the scenarios): a real Janus against Debian's
// Chromium, Firefox ESR and every Chromium from 64 to 76, each Chromium at this machine's CPU
// speed and slowed 6× (a TV's SoC). Each wave of pages runs in a lab network namespace of its own
// (test/net/namespace.mjs) with its own Janus; namespaces and servers are removed after,
// whatever happens. Needs root, `ip` and Debian's `janus` (.ci/run installs it): without them
// every browser's tests are skipped by name, with the reason.
//
//   node test/peers/run.mjs [--only=chromium-71,firefox] [--remotes] [--everywhere | --janus-only]
//
// Prints `peers <page>` with one line per test, and last `peers: N passed, M failed, K skipped`;
// writes results/peers.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanUp, missing, nsName, printReport, removeStale, runInNamespace } from '../net/namespace.mjs';
import { janusMissing } from './janus.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
/** One wave, start to result: its pages connect one by one, then Firefox needs ~30 s to fail. */
const WORKER_MS = 120000;
/**
 * The waves, one after the other, each in a namespace of its own with its own Janus (one crash
 * reaches all of a wave's pages): every Chromium 64–76 and Chromium 156 slowed 6× (`@6`), then at
 * full speed, and Firefox ESR at full speed (it has no DevTools CPU throttling). DevTools'
 * throttling keeps a core busy for as long as the slowed page lives (measured: an idle slowed page
 * with two connections ~100 % of a core, the same page at full speed ~20 %), so two slowed pages
 * fill this machine: a page at full speed beside them waited up to 1.4 s for its own ICE event.
 * Slowed pages run two to a wave, the others four. Every other wave runs Janus ICE-lite.
 *
 * Every page connects to Janus, gets a wrong fingerprint, a hangup and a kill. The rest (two pairs
 * through coturn over UDP and TCP, killed with Janus; an outage and the app's ICE restart) runs at
 * full speed in one build of each class, {@link EXTRAS}, two or three to a wave beside pages that
 * get none of it. Two connections to each of Chromium 156 and Firefox ESR, each a process of its
 * own, run in those pages only with --remotes: in `npm test` (a fresh-clone CI run at 1fe6e7f) the
 * two more browser processes per wave made 76's data-channel "connected" come 151 ms after native's
 * and 73–74's "disconnected" after the other browser's close() 251 ms after it (bound 150 ms), and
 * with four such pages in one wave 76's "disconnected" came 142 ms after native's when coturn was
 * killed. In every page, at both speeds, they loaded these two cores past the bounds
 * and `npm test` past its 20 minutes (two fresh-clone CI runs failed 3 tests each, 76 and 64–73
 * events up to 381 ms late, and took 19 m 55 s and 20 m 26 s): `--everywhere` runs them so by hand,
 * `--janus-only` leaves them out.
 */
const EXTRAS = ['firefox', 'chromium', 'chromium-76', 'chromium-74', 'chromium-71', 'chromium-67', 'chromium-64'];
const everywhere = !!args.everywhere;
const extrasOn = !args['janus-only'];
const WAVES = [
  ['chromium@6', 'chromium-76@6'], ['chromium-75@6', 'chromium-74@6'], ['chromium-73@6', 'chromium-72@6'],
  ['chromium-71@6', 'chromium-70@6'], ['chromium-69@6', 'chromium-68@6'], ['chromium-67@6', 'chromium-66@6'],
  ['chromium-65@6', 'chromium-64@6'],
  ['firefox', 'chromium', 'chromium-76', 'chromium-75'],
  ['chromium-74', 'chromium-71', 'chromium-73', 'chromium-72'],
  ['chromium-67', 'chromium-64', 'chromium-70', 'chromium-69'],
  ['chromium-68', 'chromium-66', 'chromium-65'],
  // janus.js 1.x speaks Unified Plan only: 71 and later (test/peers/sdk.html).
  ['sdk:firefox', 'sdk:chromium', 'sdk:chromium-76', 'sdk:chromium-71'],
].map((pages, i) => {
  // The waves with a page that gets the rest (--everywhere: all of them; the outage and the other
  // browsers only at full speed even then).
  const full = !pages[0].includes('@');
  const rest = extrasOn && (everywhere || pages.some((p) => EXTRAS.includes(p)));
  return { pages, lite: i % 2 === 1, turn: rest, outage: rest && full, remotes: rest && full && (everywhere || args.remotes) ? ['chromium', 'firefox'] : [] };
});
const wanted = typeof args.only === 'string' ? args.only.split(',') : null;
const waves = WAVES.map((w) => ({ ...w, pages: w.pages.filter((p) => !wanted || wanted.includes(p.split('@')[0])) })).filter((w) => w.pages.length);

async function runWorker(wave, i) {
  // Apart from test/net's namespaces (0, 1, …) when both run at once.
  const r = await runInNamespace(nsName(100 + i), join(ROOT, 'test/peers/worker.mjs'), [`--pages=${wave.pages.join(',')}`, `--lite=${wave.lite ? 1 : 0}`, `--remotes=${wave.remotes.join(',')}`, `--outage=${wave.outage ? 1 : 0}`, `--turn=${wave.turn ? 1 : 0}`, ...(everywhere ? [] : [`--extras=${EXTRAS.join(',')}`])], WORKER_MS);
  if (r.error) return [{ name: wave.pages.join(','), version: '?', ms: r.ms, tests: [{ name: 'peers', status: 'failed', error: r.error }] }];
  console.log(`peers wave ${i + 1} (${wave.pages.join(', ')}; other: ${wave.remotes.join(', ') || 'none'}): set up in ${(r.result.setupMs / 1000).toFixed(1)} s, done in ${(r.result.ms / 1000).toFixed(1)} s`);
  return r.result.pages;
}

const started = Date.now();
const total = { passed: 0, failed: 0, skipped: 0 };
const reports = [];
const why = missing() || janusMissing();
if (why) {
  for (const b of waves.flatMap((w) => w.pages)) {
    const r = { name: b, version: '-', tests: [{ name: 'real peers', status: 'skipped', error: `skipped: ${why}` }] };
    reports.push(r);
    printReport('peers', r, total);
  }
} else {
  removeStale();
  for (let i = 0; i < waves.length; i++) {
    for (const r of await runWorker(waves[i], i)) {
      reports.push(r);
      printReport('peers', r, total);
    }
  }
}
console.log(`peers: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`);
mkdirSync(join(ROOT, 'results'), { recursive: true });
writeFileSync(join(ROOT, 'results', 'peers.json'), JSON.stringify({ at: new Date().toISOString(), pages: reports }, null, 1));
cleanUp();
process.exit(total.failed ? 1 : 0);
