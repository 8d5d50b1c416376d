// `npm run bench` (scripts/bench.mjs): test/bench in real Chromium and Firefox, against the
// untouched browser (the bench installs and uninstalls the shim itself). Results go to
// results/bench-<browser>.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { FIREFOX_PRECISE_CLOCK, launchers } from './test/browsers.mjs';

function benchResults() {
  const dir = new URL('./results/', import.meta.url);
  return {
    name: 'bench-results',
    executeCommand({ command, payload }) {
      if (command !== 'bench-result') return undefined;
      mkdirSync(dir, { recursive: true });
      writeFileSync(new URL(`bench-${payload.browser}.json`, dir), JSON.stringify(payload, null, 1));
      return true;
    },
  };
}

export default {
  nodeResolve: true,
  files: 'test/bench/**/*.test.ts',
  plugins: [esbuildPlugin({ ts: true, target: 'auto' }), benchResults()],
  // Firefox's clock in microseconds, not its default whole milliseconds (test/browsers.mjs).
  browsers: launchers(FIREFOX_PRECISE_CLOCK),
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsFinishTimeout: 900000,
  testFramework: { config: { timeout: 600000 } },
};
