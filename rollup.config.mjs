// Bundles the classic-script entry (compiled by tsc into dist/script.js) into one minified IIFE.
// Target ES2017 throughout: the script must parse in Chromium 71 (no ?., ??, class fields).
import { copyFileSync } from 'node:fs';
import terser from '@rollup/plugin-terser';
import { ownNames } from './scripts/own-names.mjs';

/**
 * The property names terser may rename: the members of the shim's own records (`@shimOwn`
 * interfaces) that no browser, public or foreign shape declares, worked out from the source by
 * scripts/own-names.mjs, which also fails the build where such a name is read from anything else.
 */
const OWN = new RegExp('^(' + ownNames().names.join('|') + ')$');

/** The harness's `.d.ts` as `.d.cts`, for TypeScript consumers that `require()` it. */
const ctsTypes = {
  name: 'harness-d-cts',
  writeBundle() {
    copyFileSync('dist/harness.d.ts', 'dist/harness.d.cts');
  },
};

const script = {
  input: 'dist/script.js',
  output: {
    file: 'dist/rtc-connection-state-shim.min.js',
    format: 'iife',
    strict: true,
    plugins: [
      terser({
        ecma: 2017,
        module: false,
        compress: { passes: 3, unsafe_arrows: true, inline: 1 },
        // Only the shim's own record fields (OWN, from the source); `builtins: false`: terser also
        // leaves every DOM name it knows alone, whatever the list says.
        mangle: { properties: { regex: OWN, builtins: false } },
        format: { comments: false },
      }),
    ],
  },
};

// The harness runs in Node, where a CommonJS config (Playwright, Jest) may `require()` it: Node
// before 20.19 / 22.12 cannot require an ES module, so it also ships as CommonJS.
const harnessCjs = {
  input: 'dist/harness.js',
  external: ['node:fs', 'node:url'],
  output: { file: 'dist/harness.cjs', format: 'cjs', exports: 'named' },
  plugins: [ctsTypes],
};

export default [script, harnessCjs];
