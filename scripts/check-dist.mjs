// Checks what users load, after every build:
// 1. every shipped .js file that pages load parses as ES2018 (what Chromium 71 understands; no ?., ??, class
//    fields) and uses none of the globals or methods 71 lacks (found in the syntax tree, not the text);
// 2. the classic script stays within its size budget (min + brotli).
// Prints the sizes; exits non-zero on any failure.
import { readFileSync, readdirSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { parse } from 'acorn';

const DIST = new URL('../dist/', import.meta.url);
const SCRIPT = 'rtc-connection-state-shim.min.js';
/** Bytes, min + brotli (quality 11), for the self-installing classic script. */
export const BUDGET_BROTLI = Number(process.env.SIZE_BUDGET || 4100);
/** Runs in Node only (test harnesses), never in a page: exempt from the Chromium 71 check. */
const NODE_ONLY = ['harness.js'];
/** Globals Chromium 71 lacks: banned as bare names; reading one as a property is a feature test. */
const GLOBALS = ['queueMicrotask', 'structuredClone', 'WeakRef', 'FinalizationRegistry'];
/** Methods Chromium 71 lacks, banned in any form. */
const METHODS = ['fromEntries', 'allSettled', 'replaceAll', 'flatMap', 'at'];

/** Each use of a name 71 lacks: a global read bare (a ReferenceError there), or a method. */
function missingIn71(ast) {
  const found = [];
  const walk = (node, parent) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Identifier' && GLOBALS.includes(node.name)) {
      // `globalThis.WeakRef` (a property read: undefined in 71) and `{ WeakRef: 1 }` are fine.
      const asProperty = parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed) ||
        (parent.type === 'Property' && parent.key === node && !parent.computed));
      if (!asProperty) found.push(node.name);
    }
    if (node.type === 'MemberExpression' && !node.computed && METHODS.includes(node.property.name)) found.push(node.property.name);
    for (const key of Object.keys(node)) {
      const v = node[key];
      if (Array.isArray(v)) v.forEach((c) => walk(c, node));
      else if (v && typeof v.type === 'string') walk(v, node);
    }
  };
  walk(ast, null);
  return [...new Set(found)];
}

let failed = false;
for (const name of readdirSync(DIST).filter((f) => f.endsWith('.js') && !NODE_ONLY.includes(f))) {
  const code = readFileSync(new URL(name, DIST), 'utf8');
  let ast;
  try {
    ast = parse(code, { ecmaVersion: 2018, sourceType: name === SCRIPT ? 'script' : 'module' });
  } catch (e) {
    console.error(`dist/${name}: not ES2018 (Chromium 71 cannot parse it): ${e.message}`);
    failed = true;
    continue;
  }
  for (const word of missingIn71(ast)) {
    console.error(`dist/${name}: uses ${word}, which Chromium 71 lacks`);
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
