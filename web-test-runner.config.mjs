// The behavioural suite runs in real Chromium and Firefox, in groups that differ only in how the
// page gets `connectionState` (see README "Testing"):
//   native  no shim at all: proves the suite describes what real browsers do
//   forced  install({ force: true }) from the side-effect-free entry, over the native one
//   script  native accessors deleted, dist/rtc-connection-state-shim.min.js as a classic script
//   esm     native accessors deleted, `import 'rtc-connection-state-shim'` (dist/index.js)
//   double  native accessors deleted, both of the above on one page (one install must win)
//   api     install/uninstall/force and the pure rules, against the untouched browser
//   slow    a peer that leaves, waited out to "failed" (15–30 s), in script mode
// Every shim group keeps the browser's native getter in window.__shimTest.nativeGet (the oracle).
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter } from '@web/test-runner';
import { launchers } from './test/browsers.mjs';
import { summaryReporter } from './test/summary-reporter.mjs';

const CONTRACT = 'test/contract/**/*.test.ts';

// Runs before anything else on the page: remember the native getter, then (for the simulated
// "old browser" groups) delete the native accessors the way the checks outside this repo do.
function prelude(mode, deleteNative) {
  return `<script>
  (function () {
    var proto = RTCPeerConnection.prototype;
    var d = Object.getOwnPropertyDescriptor(proto, 'connectionState');
    window.__shimTest = { mode: ${JSON.stringify(mode)}, nativeGet: d && d.get };
    ${deleteNative ? "delete proto.connectionState; delete proto.onconnectionstatechange;" : ''}
  })();
</script>`;
}

const loaders = {
  native: '',
  forced: `<script type="module">
  import { install } from '/dist/fn.js';
  window.__shimTest.install = install({ force: true });
</script>`,
  script: '<script src="/dist/rtc-connection-state-shim.min.js"></script>',
  esm: `<script type="module">import '/dist/index.js';</script>`,
  double: `<script src="/dist/rtc-connection-state-shim.min.js"></script>
<script type="module">import '/dist/index.js';</script>`,
  api: '',
};

function page(mode) {
  const deleteNative = mode === 'script' || mode === 'esm' || mode === 'double';
  return (testFramework) => `<!doctype html>
<html><head><meta charset="utf-8"></head><body>
${prelude(mode, deleteNative)}
${loaders[mode]}
<script type="module" src="${testFramework}"></script>
</body></html>`;
}

const group = (name, files, mode = name) => ({ name, files, testRunnerHtml: page(mode) });

export default {
  nodeResolve: true,
  plugins: [esbuildPlugin({ ts: true, target: 'auto' })],
  browsers: launchers(),
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60000,
  testsStartTimeout: 60000,
  testsFinishTimeout: 180000,
  testFramework: { config: { timeout: 20000 } },
  groups: [
    group('native', CONTRACT),
    group('forced', CONTRACT),
    group('script', CONTRACT),
    group('esm', CONTRACT),
    group('double', CONTRACT),
    group('api', ['test/api/**/*.test.ts', 'test/rules.test.ts'], 'api'),
    group('slow', 'test/slow/**/*.test.ts', 'script'),
  ],
  reporters: [defaultReporter(), summaryReporter()],
};
