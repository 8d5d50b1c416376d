// Checks what `npm publish` would ship (npm test runs it after the build):
// - `npm pack`: the file list holds what the README promises and nothing of src/, test/ or scripts/;
// - publint and @arethetypeswrong/cli (profile esm-only: the package is ESM with types) are clean;
// - the tarball, installed into a scratch project: in Node every entry loads and does nothing
//   (no RTCPeerConnection there); in headless Chromium the script from node_modules installs and
//   a loopback connection reaches "connected".
// Prints the file list and sizes, and `package: N passed, M failed, 0 skipped`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { serve } from './static-server.mjs';
import { browserPaths } from '../test/browsers.mjs';
import { connectInPage } from '../test/helpers/page-connect.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'rtc-css-pack-'));
const counts = { passed: 0, failed: 0 };
async function step(name, fn) {
  try {
    const note = await fn();
    counts.passed++;
    console.log(`  ✓ ${name}${note ? ` [${note}]` : ''}`);
  } catch (e) {
    counts.failed++;
    console.log(`  ✗ ${name}: ${String((e && e.message) || e).trim().split('\n').slice(0, 6).join(' | ')}`);
  }
}
const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

let tarball = '';
try {
  await step('npm pack: the files the README promises, and no sources or tests', () => {
    const [info] = JSON.parse(npm(['pack', '--json', '--pack-destination', work], ROOT));
    tarball = join(work, info.filename);
    const files = info.files.map((f) => f.path).sort();
    console.log(`  ${info.filename}: ${info.size} B packed, ${info.unpackedSize} B unpacked, ${files.length} files:`);
    for (const f of info.files.sort((a, b) => a.path.localeCompare(b.path))) console.log(`    ${f.path} (${f.size} B)`);
    const must = ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/rtc-connection-state-shim.min.js',
      'dist/index.js', 'dist/index.d.ts', 'dist/fn.js', 'dist/fn.d.ts', 'dist/explain.js', 'dist/explain.d.ts', 'dist/harness.js', 'dist/harness.d.ts'];
    const missing = must.filter((f) => !files.includes(f));
    const stray = files.filter((f) => /^(src|test|scripts|demo|docs|\.ci)\//.test(f));
    if (missing.length || stray.length) throw new Error(`missing ${missing.join(', ') || '-'}; should not ship ${stray.join(', ') || '-'}`);
    return `${files.length} files, ${info.size} B`;
  });

  await step('publint (suggestions included)', async () => {
    const { messages, pkg } = await publint({ pkgDir: ROOT, level: 'suggestion', pack: 'npm' });
    if (messages.length) throw new Error(messages.map((m) => `${m.type}: ${formatMessage(m, pkg)}`).join('\n'));
  });

  // Every resolution mode, CommonJS included; only the browser entries' being ESM is allowed
  // (a CommonJS consumer gets the harness and the script's path, docs/packaging.md).
  await step('are the types wrong (attw, every resolution mode; ESM-only browser entries allowed)', () => {
    try {
      npm(['exec', '--', 'attw', tarball, '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped'], ROOT);
    } catch (e) {
      throw new Error(`${e.stdout || ''}${e.stderr || ''}`);
    }
  });

  const scratch = join(work, 'scratch');
  await step('installed from the tarball, in Node: every entry loads and does nothing', () => {
    execFileSync('mkdir', ['-p', scratch]);
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    npm(['install', '--no-audit', '--no-fund', '--offline', tarball], scratch);
    const probe = `
      const main = await import('rtc-connection-state-shim');
      const fn = await import('rtc-connection-state-shim/fn');
      const explain = await import('rtc-connection-state-shim/explain');
      const harness = await import('rtc-connection-state-shim/harness');
      const r = fn.install();
      const script = import.meta.resolve('rtc-connection-state-shim/script');
      await import(script);
      console.log(JSON.stringify({ main: typeof main.install, installed: r.installed, reason: r.reason, watch: typeof fn.watch,
        scriptGlobal: typeof globalThis.RTCConnectionStateShim,
        explain: typeof explain.explain, harness: harness.initScript({ force: true }).length > 1000, script: script.endsWith('/dist/rtc-connection-state-shim.min.js'),
        rules: fn.computeConnectionState({ closed: false, ice: 'connected', dtls: ['connecting'] }) }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], { cwd: scratch, encoding: 'utf8' }));
    const want = { main: 'function', installed: false, reason: 'no RTCPeerConnection', watch: 'function', scriptGlobal: 'undefined', explain: 'function', harness: true, script: true, rules: 'connecting' };
    if (JSON.stringify(out) !== JSON.stringify(want)) throw new Error(`got ${JSON.stringify(out)}`);
  });

  await step('a CommonJS consumer in Node without require(esm): require() the harness, require.resolve() the script', () => {
    writeFileSync(join(scratch, 'consumer.cjs'), `
      const { existsSync } = require('node:fs');
      const h = require('rtc-connection-state-shim/harness');
      const script = require.resolve('rtc-connection-state-shim/script');
      let fn;
      try { fn = typeof require('rtc-connection-state-shim/fn').watch; } catch (e) { fn = e.code; }
      console.log(JSON.stringify({ initScript: h.initScript({ force: true }).length > 1000, scriptPath: existsSync(h.scriptPath),
        same: h.scriptPath === script, html: h.testRunnerHtml()('x.js').includes('<script type="module" src="x.js">'), fn }));`);
    // As in Node before 20.19 / 22.12, which cannot require() an ES module.
    const out = JSON.parse(execFileSync(process.execPath, ['--no-experimental-require-module', 'consumer.cjs'], { cwd: scratch, encoding: 'utf8' }));
    const { fn, ...rest } = out;
    if (JSON.stringify(rest) !== JSON.stringify({ initScript: true, scriptPath: true, same: true, html: true })) throw new Error(JSON.stringify(out));
    // The browser entries are ES modules: require() loads them only where Node can require ESM.
    return `Node ${process.version} without require(esm): require('rtc-connection-state-shim/fn') gives ${fn === 'function' ? 'the module' : fn}`;
  });

  await step('TypeScript consumers type-check: node10, node16 (ESM and CommonJS), bundler', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const esm = `/// <reference types="rtc-connection-state-shim/script" />
import { install, watch, type Watcher } from 'rtc-connection-state-shim/fn';
import { explain } from 'rtc-connection-state-shim/explain';
import { initScript, scriptPath } from 'rtc-connection-state-shim/harness';
declare const pc: RTCPeerConnection;
export const w: Watcher = watch(pc, (s) => { const state: RTCPeerConnectionState = s; return state; });
export const reason: string = install({ force: true }).reason;
export const why: Promise<{ value: RTCPeerConnectionState | undefined }> = explain(pc);
export const code: string = initScript({ force: true }) + scriptPath;
// The script's global, typed by the reference above.
export const g: boolean | undefined = globalThis.RTCConnectionStateShim?.isInstalled();
// @ts-expect-error: not a connection state
export const bad: RTCPeerConnectionState = 'nope';
`;
    const cjs = `import { initScript, scriptPath } from 'rtc-connection-state-shim/harness';
export const code: string = initScript({ force: true }) + scriptPath;
`;
    const modes = [
      { name: 'node10', module: 'commonjs', resolution: 'node10', type: 'commonjs', file: 'consumer.ts', code: esm },
      { name: 'node16-esm', module: 'node16', resolution: 'node16', type: 'module', file: 'consumer.ts', code: esm },
      { name: 'node16-cjs', module: 'node16', resolution: 'node16', type: 'commonjs', file: 'consumer.ts', code: cjs },
      { name: 'bundler', module: 'esnext', resolution: 'bundler', type: 'module', file: 'consumer.ts', code: esm },
    ];
    const failed = [];
    for (const m of modes) {
      const dir = join(scratch, 'ts-' + m.name);
      execFileSync('mkdir', ['-p', dir]);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, type: m.type }));
      writeFileSync(join(dir, m.file), m.code);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: {
        strict: true, noEmit: true, target: 'ES2020', lib: ['ES2020', 'DOM'], types: [],
        module: m.module, moduleResolution: m.resolution, skipLibCheck: false,
      }, files: [m.file] }));
      try {
        execFileSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        failed.push(`${m.name}: ${(e.stdout || '') + (e.stderr || '')}`);
      }
    }
    if (failed.length) throw new Error(failed.join('\n'));
    return modes.map((m) => m.name).join(', ') + ': no errors';
  });

  await step('installed from the tarball, in Chromium: the script from node_modules installs and connects', async () => {
    const exe = browserPaths().chromium;
    if (!exe) throw new Error('no Chromium found (CHROMIUM_PATH)');
    writeFileSync(join(scratch, 'index.html'), `<!doctype html><meta charset="utf-8">
<script>delete RTCPeerConnection.prototype.connectionState; delete RTCPeerConnection.prototype.onconnectionstatechange;</script>
<script src="/node_modules/rtc-connection-state-shim/dist/rtc-connection-state-shim.min.js"></script>`);
    const server = await serve(scratch + '/');
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: exe, headless: true });
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
      const seen = await page.evaluate(connectInPage);
      if (!seen.installed || seen.events.join() !== 'connecting,connected') throw new Error(JSON.stringify(seen));
    } finally {
      await browser.close();
      server.close();
    }
  });
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(`package: ${counts.passed} passed, ${counts.failed} failed, 0 skipped`);
process.exitCode = counts.failed ? 1 : 0;
