// The build gate's floor (scripts/floor.mjs, run by check-dist after every build): a scratch file
// with one forbidden use of each kind must fail it, and the feature tests the shim relies on pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { belowFloor, GLOBALS, MEMBERS } from '../../scripts/floor.mjs';

/** One forbidden use per file: syntax first, then every banned global and member. */
const FORBIDDEN = {
  'object-spread': 'var a = {}; var b = { ...a };',
  'object-rest': 'var { x, ...rest } = { x: 1 };',
  'optional-catch-binding': 'try { f(); } catch { }',
  'optional-chaining': 'var a = {}; a?.b;',
  'nullish': 'var a = null ?? 1;',
  'async-iteration': 'async function f(xs) { for await (const x of xs) {} }',
  'class-field': 'class A { x = 1; }',
  'regex-lookbehind': 'var r = /(?<=a)b/;',
  'regex-named-group': 'var r = /(?<year>\\d{4})/;',
  'regex-dotall': 'var r = /a.b/s;',
  'regex-unicode-property': 'var r = /\\p{L}/u;',
};
for (const [name] of GLOBALS) FORBIDDEN[`global-${name}`] = `var x = ${name};`;
for (const [name] of MEMBERS) FORBIDDEN[`member-${name}`] = `var x = [].${name};`;

test('a scratch file with one forbidden use of each kind fails the floor', () => {
  const dir = mkdtempSync(join(tmpdir(), 'floor-'));
  try {
    for (const [name, code] of Object.entries(FORBIDDEN)) if (code) writeFileSync(join(dir, `${name}.js`), code);
    const files = readdirSync(dir);
    assert.ok(files.length >= 11 + GLOBALS.length + MEMBERS.length, `${files.length} scratch files`);
    for (const f of files) {
      const problems = belowFloor(readFileSync(join(dir, f), 'utf8'), 'script');
      assert.ok(problems.length > 0, `${f} passed the floor`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the forms the shim uses pass: feature tests, ES2017 syntax', () => {
  const ok = [
    'var G = typeof globalThis === "object" ? globalThis : self;',
    'if (typeof queueMicrotask === "function") queueMicrotask(f);',
    'var W = G.WeakRef; var o = { flat: 1, description: 2 };',
    'async function f() { await 1; } var e = 2 ** 3; [1].includes(1); Object.entries({});',
    'try { f(); } catch (e) { } finally { }',
  ];
  for (const code of ok) assert.deepEqual(belowFloor(code, 'script'), [], code);
});

test('a module entry is parsed as a module, and a bare globalThis outside a test fails', () => {
  assert.deepEqual(belowFloor('import { a } from "./a.js"; export const b = a;', 'module'), []);
  assert.match(belowFloor('export const m = globalThis[Symbol.for("x")];', 'module').join(), /globalThis/);
});
