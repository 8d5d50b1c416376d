// The Puppeteer recipe, as users write it: `page.evaluateOnNewDocument(initScript({ profile }))`
// from rtc-connection-state-shim/harness, with puppeteer-core driving Debian's Chromium (CDP) and
// Firefox ESR (WebDriver BiDi). The page's own code then sees the shim's values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import puppeteer from 'puppeteer-core';
import { initScript } from '../../dist/harness.js';
import { browserPaths, FIREFOX_PREFS } from '../browsers.mjs';
import { serve } from '../../scripts/static-server.mjs';
import { connectInPage, profileInPage } from '../helpers/page-connect.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;
const paths = browserPaths();

const browsers = [
  { name: 'Chromium', exe: paths.chromium, options: { args: ['--no-sandbox'] } },
  { name: 'Firefox', exe: paths.firefox, options: { browser: 'firefox', extraPrefsFirefox: FIREFOX_PREFS } },
];

for (const b of browsers) {
  test(`Puppeteer recipe in ${b.name}: evaluateOnNewDocument(initScript({ profile: 'no-transports' }))`, { skip: b.exe ? false : `no ${b.name} found` }, async () => {
    const server = await serve(ROOT);
    const browser = await puppeteer.launch({ executablePath: b.exe, headless: true, ...b.options });
    try {
      const page = await browser.newPage();
      await page.evaluateOnNewDocument(initScript({ profile: 'no-transports' }));
      await page.goto(`http://127.0.0.1:${server.address().port}/test/recipes/blank.html`);
      assert.deepEqual(await page.evaluate(profileInPage),
        { connectionState: true, sctp: false, iceTransport: false, iceState: false, senderTransport: false });
      assert.deepEqual(await page.evaluate(connectInPage), { installed: true, forced: true, events: ['connecting', 'connected'] });
    } finally {
      await browser.close();
      server.close();
    }
  });
}
