// Runs test/old/tests.js in every real Chromium from 64 to 76 (chrome-aws-lambda builds, unpacked
// on first use into .cache/), six pages at a time, then the close() stress test (test/old/stress.js)
// in three concurrent browsers per SDP flavour of each build that can deadlock there (69, 71, 72).
// Playwright and current puppeteer cannot drive these builds; this talks the DevTools protocol
// directly over `ws`.
//
// It cannot hang: Chromium 71 can deadlock its renderer in close() (see src/prober.ts), and a
// hung page never answers again. So every DevTools call has a timeout, a closed socket rejects
// what is pending, a page that stops answering fails with its build, page and test named and its
// browser killed, and the whole step ends by OLD_BOUND_MS whatever happens. It always prints
// `chromium-NN: ...` per page and last `old-chromium: N passed, M failed, K skipped`.
//
//   node test/old/run.mjs                      everything
//   node test/old/run.mjs --stress-only [--shim=/results/old.js] [--closes=N]
//                                              only the stress test, with another build of the script
//   node test/old/run.mjs --no-stress [--page="71 script plan-b"] [--only="peer closes"] [--repeat=N]
//                                              only the suite pages (those whose label contains --page),
//                                              only the tests whose name contains --only, each N times
//   --concurrency=N                            suite pages at once (default 6, or OLD_CONCURRENCY)
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import WebSocket from 'ws';
import { serve } from '../../scripts/static-server.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, '.cache');
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));

/** The whole step, start to totals line. */
const OLD_BOUND_MS = Number(process.env.OLD_BOUND_MS || 420000);
/** One DevTools call. */
const CALL_MS = 10000;
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
  (build >= 73 ? ['script', 'forced'] : ['script']).map((mode) => ({ build, mode, sdp }))));
/** Suite pages run at once (each is mostly waiting: the peer-leaving test takes ~16 s). */
const CONCURRENCY = Number(args.concurrency || process.env.OLD_CONCURRENCY || 6);

function binary(build) {
  const pkg = join(ROOT, 'node_modules', `chromium-${build}`, 'bin');
  const br = readdirSync(pkg).find((f) => f.endsWith('.br'));
  // 64's file is plain `chromium.br`: name the unpacked binary after the build.
  const out = join(CACHE, br === 'chromium.br' ? `chromium-${build}` : br.replace(/\.br$/, ''));
  if (!existsSync(out)) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(out, brotliDecompressSync(readFileSync(join(pkg, br))));
    chmodSync(out, 0o755);
  }
  return out;
}

/** Every browser still running, so the hard bound can kill them all. */
const running = new Set();

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

function launch(exe) {
  const dir = mkdtempSync(join(tmpdir(), 'old-chromium-'));
  const child = spawn(exe, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-port=0', `--user-data-dir=${dir}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const browser = {
    child,
    kill() {
      running.delete(browser);
      // The whole process group: a hung renderer is a child of the browser process.
      try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { /* already gone */ }
      return new Promise((done) => {
        const remove = (tries) => {
          try {
            rmSync(dir, { recursive: true, force: true });
            done();
          } catch (e) {
            if (tries > 0) setTimeout(() => remove(tries - 1), 300);
            else done(); // a stray temp folder is not a test failure
          }
        };
        if (child.exitCode !== null || child.signalCode !== null) remove(10);
        else child.once('exit', () => remove(10));
      });
    },
  };
  running.add(browser);
  return withTimeout(new Promise((resolve, reject) => {
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) resolve(Object.assign(browser, { ws: m[1] }));
    });
    child.once('exit', (code) => reject(new Error(`${exe} exited (${code}): ${err}`)));
  }), 20000, `start ${exe}`).catch((e) => browser.kill().then(() => { throw e; }));
}

/** A DevTools client whose every call times out, and whose closed socket rejects what is pending. */
class Cdp {
  constructor(url) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.id = 0;
    this.pending = new Map();
    this.listeners = [];
    this.closed = null;
    const fail = (why) => {
      if (!this.closed) this.closed = why;
      for (const p of this.pending.values()) p.reject(new Error(this.closed));
      this.pending.clear();
    };
    this.ws.on('message', (data) => {
      const msg = JSON.parse(data);
      if (msg.method) for (const l of this.listeners) l(msg);
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    this.ws.on('close', () => fail('DevTools socket closed'));
    this.ws.on('error', (e) => fail(`DevTools socket error: ${e.message}`));
    this.ready = withTimeout(new Promise((r, j) => { this.ws.on('open', r); this.ws.on('error', j); }), CALL_MS, 'DevTools connect');
  }
  send(method, params = {}, ms = CALL_MS) {
    if (this.closed) return Promise.reject(new Error(this.closed));
    const id = ++this.id;
    const answer = new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.ws.send(JSON.stringify({ id, method, params }));
    return withTimeout(answer, ms, method).finally(() => this.pending.delete(id));
  }
  on(fn) {
    this.listeners.push(fn);
  }
  async eval(expression, ms) {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }, ms);
    if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
    return r.result.value;
  }
  close() {
    this.ws.terminate();
  }
}

/** Opens the browser's page target (it can appear a moment after the DevTools line). */
async function attach(browser) {
  const port = new URL(browser.ws).port;
  let target;
  for (let tries = 0; !target && tries < 50; tries++) {
    if (tries) await new Promise((r) => setTimeout(r, 200));
    const targets = await withTimeout(fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json()), CALL_MS, '/json/list');
    target = targets.find((t) => t.type === 'page');
  }
  if (!target) throw new Error('no page target in /json/list after 10 s');
  const cdp = new Cdp(target.webSocketDebuggerUrl);
  await cdp.ready;
  return cdp;
}

async function runPage(server, page) {
  const name = `chromium-${page.build} ${page.mode} ${page.sdp}`;
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
    const url = `http://127.0.0.1:${server.address().port}/test/old/page.html?mode=${page.mode}&sdp=${page.sdp}${pick}`;
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
async function stressBrowser(server, build, sdp, want, shim) {
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
    const q = `sdp=${sdp}&closes=${want}${shim ? `&shim=${encodeURIComponent(shim)}` : ''}`;
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
async function stress(server, build, sdp, shim, until) {
  const t0 = Date.now();
  const r = { closes: 0, held: 0, hangs: 0, hungAt: [], errors: [] };
  await Promise.all(Array.from({ length: STRESS_BROWSERS }, async () => {
    let left = STRESS_CLOSES;
    while (left > 0 && Date.now() < until) {
      try {
        const x = await stressBrowser(server, build, sdp, left, shim);
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
  const name = `chromium-${build} stress ${sdp}`;
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
    const pages = PAGES.filter((p) => typeof args.page !== 'string' || `${p.build} ${p.mode} ${p.sdp}`.includes(args.page));
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pages.length) }, async () => {
      while (next < pages.length && !finished) {
        const p = pages[next++];
        const label = `chromium-${p.build} ${p.mode} ${p.sdp}`;
        await step(label, () => runPage(server, p).catch((e) => ({
          name: label, version: '?', tests: [{ name: 'launch', status: 'failed', error: String(e) }],
        })));
      }
    }));
  }
  if (!args['no-stress']) {
    // Two stress runs at a time (six browsers on two cores: the contention under which 71 hung).
    for (const round of STRESS) {
      await Promise.all(round.map(({ build, sdp }) => step(`chromium-${build} stress ${sdp}`, () => stress(server, build, sdp, shim, until))));
    }
  }
} finally {
  server.close();
  clearTimeout(bound);
  finish();
}
