// Bundles the classic-script entry (compiled by tsc into dist/script.js) into one minified IIFE.
// Target ES2017 throughout: the script must parse in Chromium 71 (no ?., ??, class fields).
import terser from '@rollup/plugin-terser';

export default {
  input: 'dist/script.js',
  output: {
    file: 'dist/rtc-connection-state-shim.min.js',
    format: 'iife',
    strict: true,
    plugins: [
      terser({
        ecma: 2017,
        module: false,
        compress: { passes: 3, unsafe_arrows: true },
        format: { comments: false },
      }),
    ],
  },
};
