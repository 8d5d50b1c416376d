// Drives real Chromium builds over the DevTools protocol (raw, over `ws`): the old builds from
// npm (64–76, which Playwright and current puppeteer cannot drive) and Debian's own. Used by
// test/old/run.mjs and test/net/worker.mjs.
//
// Nothing here can hang: Chromium 71 can deadlock its renderer in close() (see src/prober/hold.ts), and a
// hung page never answers again. Every DevTools call has a timeout, a closed socket rejects what is
// pending, and every browser launched is in `running` until killed (its whole process group).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import WebSocket from 'ws';

const ROOT = new URL('../../', import.meta.url).pathname;
const CACHE = join(ROOT, '.cache');
/** One DevTools call. */
export const CALL_MS = 10000;

/** The unpacked binary of an npm build (chromium-NN alias), unpacked into .cache/ on first use. */
export function binary(build) {
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
export const running = new Set();

export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((resolve, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Starts `exe` headless with a fresh profile (`extra`: more flags); resolves once DevTools listens. */
export function launch(exe, extra = []) {
  const dir = mkdtempSync(join(tmpdir(), 'old-chromium-'));
  const child = spawn(exe, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--remote-debugging-port=0', `--user-data-dir=${dir}`, ...extra, 'about:blank',
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
export class Cdp {
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
export async function attach(browser) {
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

