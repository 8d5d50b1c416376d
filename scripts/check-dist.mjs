// Checks what users load, after every build:
// 1. every shipped .js file that pages load (the classic script and every browser entry, `explain`
//    included) parses and runs at the floor, Chromium 56 and Firefox 52: ES2017 syntax and none of
//    the globals or methods either lacks (scripts/floor.mjs, found in the syntax tree);
// 2. the classic script stays within its size budget (min + brotli).
// Prints the sizes; exits non-zero on any failure.
import { readFileSync, readdirSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { belowFloor, FLOOR } from './floor.mjs';

const DIST = new URL('../dist/', import.meta.url);
const SCRIPT = 'rtc-connection-state-shim.min.js';
/** Bytes, min + brotli (quality 11), for the self-installing classic script. */
export const BUDGET_BROTLI = Number(process.env.SIZE_BUDGET || 4608);
/** Runs in Node only (test harnesses), never in a page: exempt from the floor. */
const NODE_ONLY = ['harness.js'];

let failed = false;
for (const name of readdirSync(DIST).filter((f) => f.endsWith('.js') && !NODE_ONLY.includes(f))) {
  const code = readFileSync(new URL(name, DIST), 'utf8');
  for (const problem of belowFloor(code, name === SCRIPT ? 'script' : 'module')) {
    console.error(`dist/${name}: ${problem}; the floor is ${FLOOR}`);
    failed = true;
  }
}

export function sizes(file) {
  const buf = readFileSync(file);
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

const s = sizes(new URL(SCRIPT, DIST));
console.log(`dist/${SCRIPT}: ${s.min} B min, ${s.gzip} B gzip, ${s.brotli} B brotli (budget ${BUDGET_BROTLI} B brotli)`);
if (s.brotli > BUDGET_BROTLI) {
  console.error(`size budget exceeded: ${s.brotli} > ${BUDGET_BROTLI} B brotli`);
  failed = true;
}
process.exit(failed ? 1 : 0);
