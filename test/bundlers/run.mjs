// Apps built the way users ship the shim (docs/bundling.md): the packed tarball installed into a
// scratch project, two one-file apps (test/bundlers/app.js: `import 'rtc-connection-state-shim'`
// first; watch-app.js: only `watch` from `/fn`) built for production by esbuild, Vite, webpack and
// Rollup with the settings the docs give, then each bundle:
//   - parsed as ES2017 (acorn), the floor's syntax (Chromium 56, Firefox 52);
//   - loaded in real Chromium 64 and 71 (no native connectionState) and in Firefox ESR with the
//     native accessors deleted, where a loopback pair must reach "connected" with the events in
//     order: for the app, the shim installed and patched before the app's first statement; for
//     the watch app, nothing patched before or after.
// Prints one line per bundle and browser, the bundles' sizes (also into results/bundlers.json,
// which `npm run bench` puts into docs/performance.md), and last
// `bundlers: N passed, M failed, K skipped`.
//
//   node test/bundlers/run.mjs [--only=esbuild,vite] [--keep] [--build-only]
// (--build-only: the bundles and their sizes, no browser; `npm run bench` uses it.)
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import * as acorn from 'acorn';
import { serve } from '../../scripts/static-server.mjs';
import { browserPaths, FIREFOX_PREFS } from '../browsers.mjs';
import { attach, binary, launch, running, withTimeout } from '../old/driver.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const HERE = new URL('./', import.meta.url).pathname;
const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')).map(([k, v]) => [k, v ?? true]));
/** The whole step; past it every browser is killed and what is left fails. */
const STEP_MS = 150000;
/** The floor's browsers, as Vite names its target (docs/bundling.md). */
const TARGETS = ['chrome56', 'firefox52'];
/**
 * esbuild refuses `firefox52`: its compatibility data counts default parameters and destructuring
 * as incomplete before Firefox 53 and it cannot lower them, so it fails on the shim's own (plain)
 * uses. ES2017 syntax, which Firefox 52 parses, and Chromium 56's gaps (docs/bundling.md).
 */
const ESBUILD_TARGET = ['es2017', 'chrome56'];
const APPS = { app: 'app.js', watch: 'watch-app.js' };

/**
 * Each bundler's production build of `entry` into `out`, with the settings docs/bundling.md gives.
 * Resolves with the bundle's file and whether it is an ES module.
 */
const BUNDLERS = {
  async esbuild(project, entry, out) {
    const esbuild = await import('esbuild');
    await esbuild.build({ absWorkingDir: project, entryPoints: [entry], bundle: true, minify: true, target: ESBUILD_TARGET, outfile: join(out, 'app.js'), logLevel: 'silent' });
    return { file: 'app.js', module: false };
  },
  async vite(project, entry, out) {
    const { build } = await import('vite');
    // An app's own index.html, as Vite builds it: one module script.
    const html = join(project, `${entry.replace(/\W/g, '_')}.html`);
    writeFileSync(html, `<!doctype html><html><head><meta charset="utf-8"></head><body><script type="module" src="/${entry}"></script></body></html>`);
    await build({ root: project, configFile: false, logLevel: 'silent', build: { target: TARGETS, outDir: out, emptyOutDir: true, rollupOptions: { input: html } } });
    const js = readdirSync(join(out, 'assets')).find((f) => f.endsWith('.js'));
    return { file: `assets/${js}`, module: true };
  },
  async webpack(project, entry, out) {
    const { default: webpack } = await import('webpack');
    const stats = await new Promise((resolve, reject) => webpack({
      mode: 'production', context: project, entry: `./${entry}`, target: ['web', 'es2017'],
      output: { path: out, filename: 'app.js' }, infrastructureLogging: { level: 'none' },
    }, (err, s) => (err ? reject(err) : resolve(s))));
    if (stats.hasErrors()) throw new Error(stats.toString('errors-only'));
    return { file: 'app.js', module: false };
  },
  async rollup(project, entry, out) {
    const { rollup } = await import('rollup');
    const { nodeResolve } = await import('@rollup/plugin-node-resolve');
    const { default: terser } = await import('@rollup/plugin-terser');
    const bundle = await rollup({ input: join(project, entry), plugins: [nodeResolve({ browser: true }), terser({ ecma: 2017 })], onwarn() {} });
    await bundle.write({ file: join(out, 'app.js'), format: 'iife' });
    await bundle.close();
    return { file: 'app.js', module: false };
  },
};

/** The browsers: Chromium 64 and 71 from npm (no native value), Firefox ESR with its accessors deleted. */
const BROWSERS = ['chromium-64', 'chromium-71', 'firefox'];

const counts = { passed: 0, failed: 0, skipped: 0 };
const sizes = [];
const wanted = typeof args.only === 'string' ? args.only.split(',') : Object.keys(BUNDLERS);

function result(name, error, note) {
  if (error === null) {
    counts.skipped++;
    console.log(`  - ${name}: skipped: ${note}`);
  } else if (error) {
    counts.failed++;
    console.log(`  ✗ ${name}: ${error}`);
  } else {
    counts.passed++;
    console.log(`  ✓ ${name}${note ? ` [${note}]` : ''}`);
  }
}

/** The page a bundle runs in: errors recorded, Firefox's native accessors deleted first. */
function page(bundle, deleteNative) {
  return `<!doctype html><html><head><meta charset="utf-8"></head><body>
<script>
  window.errors = [];
  window.addEventListener('error', function (e) { errors.push(String(e.message)); });
  ${deleteNative ? 'delete RTCPeerConnection.prototype.connectionState; delete RTCPeerConnection.prototype.onconnectionstatechange;' : ''}
</script>
<script ${bundle.module ? 'type="module" ' : ''}src="${bundle.file}"></script>
</body></html>`;
}

/** Opens a browser: `{ version, run(url) → what app.run() said, close() }`. */
async function openBrowser(which) {
  if (which === 'firefox') {
    const puppeteer = await import('puppeteer-core');
    const browser = await withTimeout(puppeteer.launch({ browser: 'firefox', executablePath: browserPaths().firefox, headless: true, extraPrefsFirefox: FIREFOX_PREFS }), 60000, 'launch Firefox');
    const tab = await browser.newPage();
    return {
      version: await browser.version(),
      async run(url) {
        await withTimeout(tab.goto(url), 20000, 'load');
        return withTimeout(tab.evaluate(APP_RUN), 20000, 'app.run()');
      },
      close: () => browser.close().catch(() => {}),
    };
  }
  const browser = await launch(binary(Number(which.split('-')[1])));
  const cdp = await attach(browser);
  await cdp.send('Runtime.enable');
  return {
    version: await cdp.eval('navigator.userAgent'),
    async run(url) {
      await cdp.send('Page.navigate', { url });
      return cdp.eval(APP_RUN, 20000);
    },
    close: async () => { cdp.close(); await browser.kill(); },
  };
}

/** In the page: waits for the app, runs it, and returns what it saw with the page's errors. */
const APP_RUN = `(async () => {
  const end = Date.now() + 10000;
  while (!window.app && !(window.errors && errors.length) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  if (!window.app) return { errors: (window.errors || []).concat('no app: the bundle did not run') };
  try {
    return Object.assign(await app.run(10000), { kind: app.kind, errors });
  } catch (e) {
    return { kind: app.kind, first: app.first, errors: errors.concat(String(e && e.message || e)) };
  }
})()`;

/** What each app must show; '' when it did. */
function check(seen) {
  const bad = [];
  if (seen.errors && seen.errors.length) bad.push(`errors: ${seen.errors.join('; ')}`);
  const both = JSON.stringify([['connecting', 'connected'], ['connecting', 'connected']]);
  if (JSON.stringify(seen.events) !== both) bad.push(`events ${JSON.stringify(seen.events)}, not ${both}`);
  if (seen.kind === 'shim') {
    if (!seen.first || !seen.first.installed || seen.first.accessor !== 'patched') bad.push(`at the app's first statement: ${JSON.stringify(seen.first)} (want the shim installed and patched)`);
  } else if (seen.kind === 'watch') {
    if (!seen.first || seen.first.accessor !== 'none' || seen.accessor !== 'none') bad.push(`connectionState on the prototype: ${seen.first && seen.first.accessor} before, ${seen.accessor} after (want none)`);
  }
  return bad.join('; ');
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'rtc-css-bundlers-'));
  const project = join(work, 'app');
  mkdirSync(project);
  try {
    // The package as npm would ship it, installed into an app of its own.
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--offline', join(work, info.filename)], { cwd: project, stdio: 'ignore' });
    for (const f of ['app.js', 'watch-app.js', 'pair.js']) copyFileSync(join(HERE, f), join(project, f));

    const bundles = [];
    console.log(`bundlers: built from ${info.filename}`);
    for (const bundler of wanted) {
      for (const [app, entry] of Object.entries(APPS)) {
        const out = join(work, 'out', `${bundler}-${app}`);
        const name = `${bundler} ${app}`;
        try {
          const b = await BUNDLERS[bundler](project, entry, out);
          const code = readFileSync(join(out, b.file));
          // The floor's syntax: a newer construct throws before anything on the page runs.
          acorn.parse(code.toString(), { ecmaVersion: 2017, sourceType: b.module ? 'module' : 'script' });
          const size = { bundler, app, min: code.length, brotli: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
          sizes.push(size);
          writeFileSync(join(out, 'chromium.html'), page(b, false));
          writeFileSync(join(out, 'firefox.html'), page(b, true));
          bundles.push({ name, dir: `out/${bundler}-${app}` });
          result(`${name}: built, ES2017 syntax only`, '', `${size.min} B min, ${size.brotli} B brotli`);
        } catch (e) {
          result(`${name}: built, ES2017 syntax only`, String(e.message || e).split('\n')[0]);
        }
      }
    }

    if (args['build-only']) return;
    const server = await serve(work);
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      for (const which of BROWSERS) {
        let browser;
        try {
          browser = await openBrowser(which);
        } catch (e) {
          for (const b of bundles) result(`${b.name} in ${which}`, `could not start ${which}: ${e.message}`);
          continue;
        }
        console.log(`bundlers ${which} (${/(Chrome|Firefox)\/[\d.]+/.exec(browser.version)?.[0] || browser.version})`);
        try {
          for (const b of bundles) {
            const url = `${base}/${b.dir}/${which === 'firefox' ? 'firefox' : 'chromium'}.html`;
            try {
              const seen = await browser.run(url);
              const bad = check(seen);
              result(`${b.name} in ${which}`, bad, bad ? '' : `${seen.kind === 'shim' ? 'installed and patched at the first statement' : 'nothing patched'}; events ${seen.events.map((e) => e.join(' → ')).join(', ')}`);
            } catch (e) {
              result(`${b.name} in ${which}`, String(e.message || e));
            }
          }
        } finally {
          await browser.close();
        }
      }
    } finally {
      server.close();
    }
  } finally {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }
}

const bound = setTimeout(async () => {
  console.log(`  ✗ the step took more than ${STEP_MS / 1000} s: stopped`);
  counts.failed++;
  for (const b of running) await b.kill();
  finish(1);
}, STEP_MS);

function finish(code) {
  mkdirSync(join(ROOT, 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'results', 'bundlers.json'), JSON.stringify({ at: new Date().toISOString(), sizes }, null, 1));
  console.log(`bundlers: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exit(code);
}

const started = Date.now();
main().then(() => {
  clearTimeout(bound);
  console.log(`bundlers: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  finish(counts.failed ? 1 : 0);
}, async (e) => {
  clearTimeout(bound);
  console.log(`  ✗ ${e.stack || e}`);
  counts.failed++;
  for (const b of running) await b.kill();
  finish(1);
});
