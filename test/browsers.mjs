// Finds the real browsers for the test run and builds their launchers (see docs/testing.md).
// Environment variables override the search: CHROMIUM_PATH, FIREFOX_PATH, and BROWSERS
// (comma-separated: chromium,firefox) to pick a subset.
import { existsSync } from 'node:fs';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromeLauncher } from '@web/test-runner-chrome';
import * as puppeteerCore from 'puppeteer-core';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
const FIREFOX = ['/usr/lib/firefox-esr/firefox-esr', '/usr/bin/firefox-esr', '/usr/bin/firefox'];

// Raw host addresses on loopback: faster ICE, no permission prompt for the media tests.
export const FIREFOX_PREFS = {
  'media.peerconnection.ice.loopback': true,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.navigator.permission.disabled': true,
};

function find(envName, candidates) {
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`${envName}=${fromEnv} does not exist`);
    return fromEnv;
  }
  return candidates.find((p) => existsSync(p)) || null;
}

export function browserPaths() {
  return { chromium: find('CHROMIUM_PATH', CHROMIUM), firefox: find('FIREFOX_PATH', FIREFOX) };
}

/**
 * For `npm run bench` only: Firefox's `performance.now()` ticks in whole milliseconds by default
 * (measured in ESR 153: every step 1 ms), too coarse for the shim's microsecond entries.
 */
export const FIREFOX_PRECISE_CLOCK = { 'privacy.reduceTimerPrecision': false, 'privacy.reduceTimerPrecision.unconditional': false };

/** The Web Test Runner launchers; `firefoxPrefs` adds to {@link FIREFOX_PREFS}. */
export function launchers(firefoxPrefs = {}) {
  const wanted = (process.env.BROWSERS || 'chromium,firefox').split(',').map((s) => s.trim());
  const paths = browserPaths();
  const missing = wanted.filter((name) => !paths[name]);
  if (missing.length) {
    throw new Error(
      `No ${missing.join(' or ')} found. Install Debian's packages ` +
        '(apt-get install -y chromium firefox-esr), set CHROMIUM_PATH / FIREFOX_PATH, ' +
        'or choose with BROWSERS=chromium (or firefox).',
    );
  }
  const list = [];
  if (wanted.includes('chromium')) {
    list.push(
      playwrightLauncher({
        product: 'chromium',
        // --expose-gc: test/reliability proves closed connections are collected.
        launchOptions: { executablePath: paths.chromium, headless: true, args: ['--js-flags=--expose-gc'] },
      }),
    );
  }
  if (wanted.includes('firefox')) {
    // Playwright's own Firefox launcher needs its patched build; puppeteer-core drives stock
    // Firefox ESR over WebDriver BiDi.
    list.push(
      chromeLauncher({
        puppeteer: puppeteerCore,
        launchOptions: {
          browser: 'firefox',
          executablePath: paths.firefox,
          headless: true,
          extraPrefsFirefox: { ...FIREFOX_PREFS, ...firefoxPrefs },
        },
      }),
    );
  }
  return list;
}
