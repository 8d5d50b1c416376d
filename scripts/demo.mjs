// `npm run demo`: serves the live demo (demo/) and prints its URL; stop with Ctrl-C.
// `npm run demo -- --smoke`: the same page in headless Chromium instead. It clicks through the
// scenarios, checks the timeline against the browser's own value, saves docs/demo.png, prints
// `demo: N passed, M failed` and exits (npm test runs it).
// Options: --port N (default 8080; 0 picks a free one), --smoke.
import { serve } from './static-server.mjs';
import { browserPaths } from '../test/browsers.mjs';

const ROOT = new URL('../', import.meta.url).pathname;
const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const portArg = args.indexOf('--port');
const port = portArg >= 0 ? Number(args[portArg + 1]) : smoke ? 0 : 8080;

const server = await serve(ROOT, port);
const url = `http://127.0.0.1:${server.address().port}/demo/`;
if (!smoke) {
  console.log(`rtc-connection-state-shim demo: ${url}`);
  console.log('Open it in a browser (Chromium or Firefox). Ctrl-C stops the server.');
} else {
  process.exitCode = await runSmoke(url).finally(() => server.close());
}

async function runSmoke(pageUrl) {
  const { chromium } = await import('playwright-core');
  const exe = browserPaths().chromium;
  if (!exe) {
    console.log('demo: 0 passed, 1 failed, 0 skipped (no Chromium found; set CHROMIUM_PATH)');
    return 1;
  }
  const browser = await chromium.launch({ executablePath: exe, headless: true });
  const counts = { passed: 0, failed: 0 };
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(pageUrl);
    const rowStates = (row) => page.evaluate((r) => (window.__demo.rows[r] || []).map((s) => s.state), row);
    const waitFor = (row, state, ms) => page.waitForFunction(
      ([r, s]) => (window.__demo.rows[r] || []).some((x) => x.state === s), [row, state], { timeout: ms });
    const step = async (name, fn) => {
      try {
        await fn();
        counts.passed++;
        console.log(`  ✓ ${name}`);
      } catch (e) {
        counts.failed++;
        console.log(`  ✗ ${name}: ${String(e && e.message || e).split('\n')[0]}`);
      }
    };
    const same = (a, b, what) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) throw new Error(`${what}: expected ${JSON.stringify(b)}, got ${JSON.stringify(a)}`);
    };

    await step('Connect: shim and native both new → connecting → connected', async () => {
      await page.click('#connect');
      await waitFor('native connectionState', 'connected', 10000);
      await waitFor('shim connectionState', 'connected', 10000);
      same(await rowStates('shim connectionState'), ['new', 'connecting', 'connected'], 'shim row');
      same(await rowStates('native connectionState'), ['new', 'connecting', 'connected'], 'native row');
      const dtls = await rowStates('DTLS transport 1');
      if (dtls[dtls.length - 1] !== 'connected') throw new Error(`DTLS transport row: ${dtls.join('→')}`);
    });
    await step('Restart ICE: still connected, no extra shim state', async () => {
      await page.click('#restart');
      await page.waitForTimeout(1500);
      same(await rowStates('shim connectionState'), ['new', 'connecting', 'connected'], 'shim row');
    });
    await step('Peer leaves: shim "disconnected" with the browser (~5 s)', async () => {
      await page.click('#peer-leaves');
      await waitFor('native connectionState', 'disconnected', 15000);
      await waitFor('shim connectionState', 'disconnected', 3000);
      await page.waitForTimeout(300);
      const reason = await page.evaluate(() => window.__demo.reason);
      if (!/^disconnected/.test(reason)) throw new Error(`explanation: ${reason}`);
      await page.screenshot({ path: `${ROOT}docs/demo.png`, fullPage: true });
    });
    await step('Close locally: "closed"', async () => {
      await page.click('#close');
      await waitFor('shim connectionState', 'closed', 2000);
      const reason = await page.evaluate(() => window.__demo.reason);
      if (!/^closed/.test(reason)) throw new Error(`explanation: ${reason}`);
    });
    await step('Broken DTLS fingerprint: "failed", as natively, with the failed DTLS transport named', async () => {
      await page.click('#break');
      await waitFor('native connectionState', 'failed', 10000);
      await waitFor('shim connectionState', 'failed', 3000);
      await page.waitForFunction(() => /^failed: DTLS transport/.test(window.__demo.reason || ''), null, { timeout: 3000 });
    });
  } finally {
    await browser.close();
  }
  console.log(`demo: ${counts.passed} passed, ${counts.failed} failed, 0 skipped`);
  return counts.failed ? 1 : 0;
}
