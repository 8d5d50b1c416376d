// The Playwright recipe, as users write it: the script from rtc-connection-state-shim/harness
// injected with addInitScript, page-level and context-level, plain and forced, in real Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initScript, scriptPath } from '../../dist/harness.js';
import { browserPaths } from '../browsers.mjs';
import { serve } from '../../scripts/static-server.mjs';
import { connectInPage, profileInPage } from '../helpers/page-connect.mjs';

const exe = browserPaths().chromium;
const ROOT = new URL('../../', import.meta.url).pathname;

const connect = (page) => page.evaluate(connectInPage);

test('Playwright recipe: addInitScript', { skip: exe ? false : 'no Chromium found (CHROMIUM_PATH)' }, async (t) => {
  const { chromium } = await import('playwright-core');
  const server = await serve(ROOT);
  const url = `http://127.0.0.1:${server.address().port}/test/recipes/blank.html`;
  const browser = await chromium.launch({ executablePath: exe, headless: true });
  try {
    await t.test('page.addInitScript({ path: scriptPath }): loaded; the native value is left alone', async () => {
      const page = await browser.newPage();
      await page.addInitScript({ path: scriptPath });
      await page.goto(url);
      const r = await connect(page);
      // Native here: the browser's own (trusted) events, untouched.
      assert.deepEqual(r, { installed: false, forced: false, events: ['trusted connecting', 'trusted connected'] });
      assert.equal(await page.evaluate(() => typeof window.RTCConnectionStateShim.install), 'function');
      await page.close();
    });
    await t.test('page.addInitScript({ content: initScript({ force: true }) }): the shim stands in', async () => {
      const page = await browser.newPage();
      await page.addInitScript({ content: initScript({ force: true }) });
      await page.goto(url);
      assert.deepEqual(await connect(page), { installed: true, forced: true, events: ['connecting', 'connected'] });
      await page.close();
    });
    await t.test('context.addInitScript: every page of the context, forced', async () => {
      const context = await browser.newContext();
      await context.addInitScript({ content: initScript({ force: true }) });
      for (let i = 0; i < 2; i++) {
        const page = await context.newPage();
        await page.goto(url);
        assert.deepEqual(await connect(page), { installed: true, forced: true, events: ['connecting', 'connected'] });
      }
      await context.close();
    });
    await t.test('context.addInitScript({ content: initScript({ profile: "no-transports" }) }): as in Chrome < 72', async () => {
      const context = await browser.newContext();
      await context.addInitScript({ content: initScript({ profile: 'no-transports' }) });
      const page = await context.newPage();
      await page.goto(url);
      // connectionState is there again: the shim's, installed without force.
      assert.deepEqual(await page.evaluate(profileInPage),
        { connectionState: true, sctp: false, iceTransport: false, iceState: false, senderTransport: false });
      assert.deepEqual(await connect(page), { installed: true, forced: true, events: ['connecting', 'connected'] });
      await context.close();
    });
    await t.test('page.addInitScript({ content: initScript({ profile: "no-ice-transports" }) }): as in Firefox 82–112', async () => {
      const page = await browser.newPage();
      await page.addInitScript({ content: initScript({ profile: 'no-ice-transports' }) });
      await page.goto(url);
      assert.deepEqual(await page.evaluate(profileInPage),
        { connectionState: true, sctp: false, iceTransport: false, iceState: false, senderTransport: true });
      assert.deepEqual(await connect(page), { installed: true, forced: true, events: ['connecting', 'connected'] });
      await page.close();
    });
    await t.test('an unknown profile name throws, naming the known ones', () => {
      assert.throws(() => initScript({ profile: 'firefox-102' }), /unknown profile "firefox-102" \(known: no-connection-state, no-ice-transports, no-transports, no-transceivers\)/);
    });
    await t.test('page.addInitScript({ content: initScript({ profile: "no-transceivers" }) }): as in Chromium 56–63', async () => {
      const page = await browser.newPage();
      await page.addInitScript({ content: initScript({ profile: 'no-transceivers' }) });
      await page.goto(url);
      assert.deepEqual(await page.evaluate(profileInPage),
        { connectionState: true, sctp: false, iceTransport: false, iceState: false, senderTransport: false });
      const proto = await page.evaluate(() => ['addTrack', 'removeTrack', 'getTransceivers', 'addTransceiver', 'getConfiguration', 'addStream']
        .filter((m) => m in RTCPeerConnection.prototype));
      assert.deepEqual(proto, ['addStream']);
      assert.deepEqual(await connect(page), { installed: true, forced: true, events: ['connecting', 'connected'] });
      await page.close();
    });
  } finally {
    await browser.close();
    server.close();
  }
});
