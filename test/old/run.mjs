// Runs test/old/tests.js in every real Chromium from 64 to 76 (chrome-aws-lambda builds, unpacked
// on first use into .cache/), six pages at a time, then the close() stress test (test/old/stress.js)
// in three concurrent browsers per SDP flavour of each build that can deadlock there (69, 71, 72).
// Playwright and current puppeteer cannot drive these builds; this talks the DevTools protocol
// directly over `ws`.
//
// It cannot hang: Chromium 71 can deadlock its renderer in close() (see src/prober/hold.ts), and a
// hung page never answers again. So every DevTools call has a timeout, a closed socket rejects
// what is pending, a page that stops answering fails with its build, page and test named and its
// browser killed, and the whole step ends by OLD_BOUND_MS whatever happens. It always prints
// `chromium-NN: ...` per page and last `old-chromium: N passed, M failed, K skipped`.
//
//   node test/old/run.mjs                      everything
//   node test/old/run.mjs --stress-only [--shim=/results/old.js] [--closes=N] [--wrap=reject-callback]
//                                              only the stress test, with another build of the script,
//                                              only the runs with that getStats() wrapper
//   node test/old/run.mjs --no-stress [--page="71 script plan-b"] [--only="peer closes"] [--repeat=N]
//                                              only the suite pages (those whose label contains --page),
//                                              only the tests whose name contains --only, each N times
//   --concurrency=N                            suite pages at once (default 6, or OLD_CONCURRENCY)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '../../scripts/static-server.mjs';
import { attach, binary, launch, running } from './driver.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));

/** The whole step, start to totals line. */
const OLD_BOUND_MS = Number(process.env.OLD_BOUND_MS || 420000);
/** A suite page must finish within this. */
const PAGE_MS = 90000 * (Number(args.repeat) || 1);
/** A stress page that logs nothing for this long is hung (a close() takes milliseconds). */
const SILENT_MS = 10000;
/** Closes (pairs of connections) per stress browser; three browsers per SDP flavour. */
const STRESS_CLOSES = Number(args.closes || 100);
const STRESS_BROWSERS = 3;
/**
 * The builds whose renderer can deadlock in close() while a promise-form getStats() is in flight,
 * found with ../shared/tools/close-hang.mjs (promise getStats() every 8 ms on both peers, close
 * 0-150 ms after ICE connected; 2 browsers, plan-b, ~120 closes a build, 2026-12-06): 69 hung 3
 * times in 109 closes, 71 2 in 144 (2026-11-30), 72 once in 100. None in 64-68, 70, 73-76 (64-68
 * and 70: 0 in ~120 each; 74 and 76: 0 in ~200). The stress runs on each build that hung, in
 * each SDP flavour it has, in rounds of two.
 */
const STRESS = [
  [{ build: 71, sdp: 'plan-b' }, { build: 71, sdp: 'unified-plan' }],
  // An SDK's getStats() wrapper that rejects the legacy callback form, loaded before the shim.
  [{ build: 71, sdp: 'plan-b', wrap: 'reject-callback' }, { build: 71, sdp: 'unified-plan', wrap: 'reject-callback' }],
  [{ build: 72, sdp: 'plan-b' }, { build: 72, sdp: 'unified-plan' }],
  [{ build: 69, sdp: 'plan-b' }],
];

/**
 * Each page: a build, how the page gets connectionState, and the SDP flavour. Every Chromium from
 * 64 to 76 (chrome-aws-lambda 64.0.3264 and 1.0.0-1.16.1, package.json's chromium-NN aliases):
 * - Plan B on every build; Unified Plan where the engine offers it (71 on: 64-70 have no
 *   getConfiguration() and ignore sdpSemantics; tests.js checks what it got).
 * - "script": native accessors deleted, the classic script loaded. Builds with a native value
 *   (73 on) keep its getter as the oracle on the same connection; "forced" installs over it.
 */
const BUILDS = [64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76];
const PAGES = BUILDS.flatMap((build) => (build >= 71 ? ['plan-b', 'unified-plan'] : ['plan-b']).flatMap((sdp) =>
  (build >= 73 ? ['script', 'forced'] : ['script']).map((mode) => ({ build, mode, sdp }))))
  // Chromium 56-57's stats API (legacy getStats(callback) only) on the oldest real build here.
  .concat([{ build: 64, mode: 'script', sdp: 'plan-b', profile: 'legacy-stats-only' }]);
/** Suite pages run at once (each is mostly waiting: the peer-leaving test takes ~16 s). */
const CONCURRENCY = Number(args.concurrency || process.env.OLD_CONCURRENCY || 6);

async function runPage(server, page) {
  const name = `chromium-${page.build} ${page.mode} ${page.sdp}${page.profile ? ' ' + page.profile : ''}`;
  const t0 = Date.now();
  const browser = await launch(binary(page.build));
  let current = '(before the first test)';
  let version = '?';
  try {
    const cdp = await attach(browser);
    cdp.on((m) => {
      if (m.method !== 'Runtime.consoleAPICalled') return;
      const line = m.params.args.map((a) => a.value).join(' ');
      if (line.startsWith('test: ')) current = line.slice(6);
    });
    await cdp.send('Runtime.enable');
    version = await cdp.eval('navigator.userAgent');
    const pick = (typeof args.only === 'string' ? `&only=${encodeURIComponent(args.only)}` : '') + (args.repeat ? `&repeat=${Number(args.repeat)}` : '');
    const url = `http://127.0.0.1:${server.address().port}/test/old/page.html?mode=${page.mode}&sdp=${page.sdp}${page.profile ? '&profile=' + page.profile : ''}${pick}`;
    await cdp.send('Page.navigate', { url });
    const end = Date.now() + PAGE_MS;
    let results = null;
    let last = '';
    while (!results && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        results = await cdp.eval('window.__results && window.__results.done ? window.__results : null', 5000);
      } catch (e) {
        last = e.message;
        // Navigating, or hung: a page that stays silent for 15 s of calls is hung.
        if (cdp.closed || /no answer/.test(e.message) && Date.now() - t0 > 15000) break;
      }
    }
    cdp.close();
    if (!results) {
      const error = `${name}: page stopped answering (${last || 'no results by ' + PAGE_MS + ' ms'}) during test "${current}"; browser killed`;
      return { name, version, tests: [{ name: current, status: 'failed', error }] };
    }
    return { name, version, tests: results.tests, ms: Date.now() - t0 };
  } catch (e) {
    return { name, version, tests: [{ name: current, status: 'failed', error: `${name}: ${e.message} during test "${current}"` }] };
  } finally {
    await browser.kill();
  }
}

/**
 * One stress browser: loads test/old/stress.html and follows its console until it has closed
 * `want` pairs. Resolves with closes done, and the page's last line if it hung.
 */
async function stressBrowser(server, build, sdp, want, shim, wrap) {
  const browser = await launch(binary(build));
  let done = 0;
  let held = 0;
  const errors = [];
  let lastLine = '';
  let lastAt = Date.now();
  let finished = false;
  try {
    const cdp = await attach(browser);
    cdp.on((m) => {
      if (m.method !== 'Runtime.consoleAPICalled') return;
      lastLine = m.params.args.map((a) => a.value).join(' ');
      lastAt = Date.now();
      if (lastLine.startsWith('closed ')) done++;
      if (/ held \d/.test(lastLine)) held += +lastLine.split(' held ')[1];
      if (lastLine.startsWith('finished ')) finished = true;
      if (lastLine.startsWith('error ')) errors.push(lastLine);
    });
    await cdp.send('Runtime.enable');
    const q = `sdp=${sdp}&closes=${want}${shim ? `&shim=${encodeURIComponent(shim)}` : ''}${wrap ? `&wrap=${wrap}` : ''}`;
    await cdp.send('Page.navigate', { url: `http://127.0.0.1:${server.address().port}/test/old/stress.html?${q}` });
    lastAt = Date.now();
    while (!finished && !cdp.closed && Date.now() - lastAt < SILENT_MS) await new Promise((r) => setTimeout(r, 100));
    cdp.close();
    return { done, held, errors, hung: !finished, lastLine };
  } finally {
    await browser.kill();
  }
}

/** Three browsers of one build at once for one SDP flavour; a hung browser is replaced until the closes are done. */
async function stress(server, build, sdp, shim, until, wrap) {
  const t0 = Date.now();
  const r = { closes: 0, held: 0, hangs: 0, hungAt: [], errors: [] };
  await Promise.all(Array.from({ length: STRESS_BROWSERS }, async () => {
    let left = STRESS_CLOSES;
    while (left > 0 && Date.now() < until) {
      try {
        const x = await stressBrowser(server, build, sdp, left, shim, wrap);
        r.closes += x.done;
        r.held += x.held;
        r.errors.push(...x.errors);
        left -= x.done;
        if (x.hung) {
          r.hangs++;
          r.hungAt.push(x.lastLine);
        }
      } catch (e) {
        r.errors.push(e.message);
        break;
      }
    }
  }));
  const name = `chromium-${build} stress ${sdp}${wrap ? ' ' + wrap : ''}`;
  const want = STRESS_CLOSES * STRESS_BROWSERS;
  const ok = !r.hangs && !r.errors.length && r.closes >= want;
  const note = `${r.closes} closes of ${want}, ${r.hangs} hangs in ${STRESS_BROWSERS} concurrent browsers; ` +
    `${r.held} close() calls held back until the shim's getStats() settled` +
    (r.hungAt.length ? `; hung after: ${r.hungAt.slice(0, 5).map((l) => JSON.stringify(l)).join(', ')}${r.hungAt.length > 5 ? ', …' : ''}` : '');
  const error = ok ? undefined : r.errors.concat(r.hangs ? [`${r.hangs} page(s) hung in close() (no progress for ${SILENT_MS / 1000} s)`] : [])
    .concat(r.closes < want ? [`only ${r.closes} of ${want} closes by the time bound`] : []).join('; ');
  return {
    name, version: String(build), ms: Date.now() - t0,
    tests: [{ name: `close() at random moments in every stats window: ${want} closes, 0 hangs`, status: ok ? 'passed' : 'failed', error, note }],
  };
}

function print(r, total) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  console.log(`\n${r.name} (${(/Chrome\/(\S+)/.exec(r.version) || [])[1] || r.version}${r.ms ? `, ${(r.ms / 1000).toFixed(1)} s` : ''})`);
  for (const t of r.tests) {
    c[t.status]++;
    const mark = t.status === 'passed' ? '✓' : t.status === 'skipped' ? '-' : '✗';
    console.log(`  ${mark} ${t.name}${t.error ? `: ${t.error}` : ''}${t.note ? ` [${t.note}]` : ''}`);
  }
  console.log(`  ${r.name.replace(/ /g, '/')}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  for (const k of Object.keys(c)) total[k] += c[k];
}

const started = Date.now();
const total = { passed: 0, failed: 0, skipped: 0 };
const reports = [];
let finished = false;
function finish(extra) {
  if (finished) return;
  finished = true;
  if (extra) {
    reports.push(extra);
    print(extra, total);
  }
  for (const b of running) b.kill();
  console.log(`old-chromium: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  // For scripts/conformance-report.mjs (docs/conformance.md).
  mkdirSync(join(ROOT, 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'results', 'old-chromium.json'), JSON.stringify({ at: new Date().toISOString(), pages: reports }, null, 1));
  setTimeout(() => process.exit(total.failed ? 1 : 0), 500);
}
// The hard bound: whatever still runs fails by name, and the totals line is printed.
const bound = setTimeout(() => finish({
  name: 'old-chromium time bound', version: '-',
  tests: [{ name: `the old-build step ends within ${OLD_BOUND_MS / 1000} s`, status: 'failed', error: `still running: ${[...inProgress].join(', ') || '?'}` }],
}), OLD_BOUND_MS);
const inProgress = new Set();
async function step(label, fn) {
  inProgress.add(label);
  try {
    const r = await fn();
    if (!finished) {
      reports.push(r);
      print(r, total);
    }
  } finally {
    inProgress.delete(label);
  }
}

const server = await serve(ROOT);
try {
  const shim = typeof args.shim === 'string' ? args.shim : '';
  const until = started + OLD_BOUND_MS - 15000;
  if (!args['stress-only']) {
    const pages = PAGES.filter((p) => typeof args.page !== 'string' || `${p.build} ${p.mode} ${p.sdp} ${p.profile || ''}`.includes(args.page));
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pages.length) }, async () => {
      while (next < pages.length && !finished) {
        const p = pages[next++];
        const label = `chromium-${p.build} ${p.mode} ${p.sdp}${p.profile ? ' ' + p.profile : ''}`;
        await step(label, () => runPage(server, p).catch((e) => ({
          name: label, version: '?', tests: [{ name: 'launch', status: 'failed', error: String(e) }],
        })));
      }
    }));
  }
  if (!args['no-stress']) {
    // Two stress runs at a time (six browsers on two cores: the contention under which 71 hung).
    for (const round of STRESS) {
      const rounds = round.filter((r) => typeof args.wrap !== 'string' || r.wrap === args.wrap);
      await Promise.all(rounds.map(({ build, sdp, wrap }) => step(`chromium-${build} stress ${sdp}${wrap ? ' ' + wrap : ''}`, () => stress(server, build, sdp, shim, until, wrap))));
    }
  }
} finally {
  server.close();
  clearTimeout(bound);
  finish();
}
