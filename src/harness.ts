/**
 * rtc-connection-state-shim/harness — for test harnesses, on the Node side: put the
 * self-installing script into every page before the page's own code, optionally forced over a
 * native `connectionState` (to test an app against the shim in a modern browser).
 *
 * - Playwright: `await context.addInitScript({ content: initScript({ force: true }) })`, or
 *   `page.addInitScript({ path: scriptPath })` for the plain script.
 * - Web Test Runner: `testRunnerHtml: testRunnerHtml({ force: true })` in the config (or in a group).
 *
 * @packageDocumentation
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Options for {@link initScript} and {@link testRunnerHtml}. */
export interface HarnessOptions {
  /** Also replace a native `connectionState` (`install({ force: true })`). */
  force?: boolean;
}

/** Absolute path of the self-installing script (`dist/rtc-connection-state-shim.min.js`). */
export const scriptPath: string = fileURLToPath(new URL('./rtc-connection-state-shim.min.js', import.meta.url));

/** The script's source, followed by a forced install when asked: for `addInitScript({ content })`. */
export function initScript(options: HarnessOptions = {}): string {
  const code = readFileSync(scriptPath, 'utf8');
  return options.force ? code + '\n;RTCConnectionStateShim.install({ force: true });\n' : code;
}

/**
 * A Web Test Runner `testRunnerHtml`: the page runs the shim inline in its head, then loads the
 * test framework.
 */
export function testRunnerHtml(options: HarnessOptions = {}): (testFramework: string) => string {
  const code = initScript(options).replace(/<\/script/gi, '<\\/script');
  return (testFramework) => '<!doctype html>\n<html><head><meta charset="utf-8"><script>' + code +
    '</script></head>\n<body><script type="module" src="' + testFramework + '"></script></body></html>';
}
