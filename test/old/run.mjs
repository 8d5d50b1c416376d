// Runs test/old/tests.js in real Chromium 71, 74 and 76 (chrome-aws-lambda 1.x builds, unpacked
// on first use into .cache/). Playwright and current puppeteer cannot drive them; this talks the
// DevTools protocol directly over `ws`. Prints `chromium-NN: ...` per build and page, and last
// `old-chromium: N passed, M failed, K skipped`.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import WebSocket from 'ws';
import { serve } from '../../scripts/static-server.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, '.cache');

/** Each page: a build, how the page gets connectionState, and the SDP flavour. */
const PAGES = [
  { build: 71, mode: 'script', sdp: 'plan-b' },
  { build: 71, mode: 'script', sdp: 'unified-plan' },
  { build: 74, mode: 'script', sdp: 'unified-plan' },
  { build: 74, mode: 'forced', sdp: 'unified-plan' },
  { build: 76, mode: 'script', sdp: 'unified-plan' },
];

function binary(build) {
  const pkg = join(ROOT, 'node_modules', `chromium-${build}`, 'bin');
  const br = readdirSync(pkg).find((f) => f.endsWith('.br'));
  const out = join(CACHE, br.replace(/\.br$/, ''));
  if (!existsSync(out)) {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(out, brotliDecompressSync(readFileSync(join(pkg, br))));
    chmodSync(out, 0o755);
  }
  return out;
}

function launch(exe) {
  const dir = mkdtempSync(join(tmpdir(), 'old-chromium-'));
  const child = spawn(exe, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-port=0', `--user-data-dir=${dir}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`no DevTools line from ${exe}: ${err}`)), 20000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({
          child,
          ws: m[1],
          cleanup: () => new Promise((done) => {
            child.once('exit', () => {
              // Chromium's helper processes may still be writing the profile for a moment.
              const remove = (tries) => {
                try {
                  rmSync(dir, { recursive: true, force: true });
                  done();
                } catch (e) {
                  if (tries > 0) setTimeout(() => remove(tries - 1), 300);
                  else done(); // a stray temp folder is not a test failure
                }
              };
              remove(10);
            });
            child.kill('SIGKILL');
          }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`${exe} exited (${code}): ${err}`)));
  });
}

class Cdp {
  constructor(url) {
    this.ws = new WebSocket(url, { perMessageDeflate: false });
    this.id = 0;
    this.pending = new Map();
    this.ws.on('message', (data) => {
      const msg = JSON.parse(data);
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.error) p.reject(new Error(msg.error.message));
      else p.resolve(msg.result);
    });
    this.ready = new Promise((r, j) => { this.ws.on('open', r); this.ws.on('error', j); });
  }
  send(method, params = {}) {
    const id = ++this.id;
    this.ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
  async eval(expression) {
    const r = await this.send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(JSON.stringify(r.exceptionDetails));
    return r.result.value;
  }
  close() {
    this.ws.close();
  }
}

async function runPage(server, page) {
  const name = `chromium-${page.build} ${page.mode} ${page.sdp}`;
  const t0 = Date.now();
  const browser = await launch(binary(page.build));
  try {
    const port = new URL(browser.ws).port;
    // The page target can appear a moment after the DevTools line (seen once with five browsers
    // starting at once): ask again for up to 10 s.
    let target;
    for (let tries = 0; !target && tries < 50; tries++) {
      if (tries) await new Promise((r) => setTimeout(r, 200));
      const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
      target = targets.find((t) => t.type === 'page');
    }
    if (!target) throw new Error('no page target in /json/list after 10 s');
    const cdp = new Cdp(target.webSocketDebuggerUrl);
    await cdp.ready;
    const version = await cdp.eval('navigator.userAgent');
    const url = `http://127.0.0.1:${server.address().port}/test/old/page.html?mode=${page.mode}&sdp=${page.sdp}`;
    await cdp.send('Page.navigate', { url });
    const end = Date.now() + 90000;
    let results = null;
    while (Date.now() < end) {
      await new Promise((r) => setTimeout(r, 250));
      try {
        results = await cdp.eval('window.__results && window.__results.done ? window.__results : null');
      } catch (e) {
        results = null; // navigating
      }
      if (results) break;
    }
    cdp.close();
    if (!results) return { name, version, tests: [{ name: 'page finished', status: 'failed', error: 'timed out' }] };
    return { name, version, tests: results.tests, ms: Date.now() - t0 };
  } finally {
    await browser.cleanup();
  }
}

const server = await serve(ROOT);
const total = { passed: 0, failed: 0, skipped: 0 };
let reportsOut = [];
try {
  const reports = await Promise.all(PAGES.map((p) => runPage(server, p).catch((e) => ({
    name: `chromium-${p.build} ${p.mode} ${p.sdp}`, version: '?', tests: [{ name: 'launch', status: 'failed', error: String(e) }],
  }))));
  reportsOut = reports;
  for (const r of reports) {
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
} finally {
  server.close();
}
console.log(`old-chromium: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
// For scripts/conformance-report.mjs (docs/conformance.md).
mkdirSync(join(ROOT, 'results'), { recursive: true });
writeFileSync(join(ROOT, 'results', 'old-chromium.json'), JSON.stringify({ at: new Date().toISOString(), pages: reportsOut }, null, 1));
process.exit(total.failed ? 1 : 0);
