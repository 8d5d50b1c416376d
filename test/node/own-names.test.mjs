// The script's mangled property names (scripts/own-names.mjs), worked out from the source: what
// they leave out, and that a read of one from anything but the shim's own records fails the build.
// Each case edits a scratch copy of src/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownNames } from '../../scripts/own-names.mjs';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A copy of the project's src/ and tsconfig.json with `extra` appended to src/stats.ts. */
function scratch(extra) {
  const dir = mkdtempSync(join(tmpdir(), 'own-names-'));
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
  const file = join(dir, 'src', 'stats.ts');
  writeFileSync(file, readFileSync(file, 'utf8') + '\n' + extra + '\n');
  return dir;
}

test('the names are the shim\'s own: no DOM, ES, public or cross-copy name', () => {
  const { names, kept } = ownNames();
  assert.ok(names.length >= 40, `${names.length} names`);
  for (const shared of ['value', 'state', 'transport', 'dtls', 'ice', 'derived', 'transports', 'force', 'reason', 'installed', 'uninstall', 'snapshot', 'iceFrom', 'dtlsFrom']) {
    assert.ok(!names.includes(shared), `${shared} is not mangled`);
  }
  // Own records' fields that share a name with something else are kept, not mangled.
  assert.ok(kept.includes('value') && kept.includes('derived'), kept.join(' '));
});

test('an own field read from an `any` fails the build', () => {
  const dir = scratch('export const bad = (e: unknown): unknown => (e as any).phaseKey;');
  try {
    assert.throws(() => ownNames(dir), /stats\.ts:\d+: \.phaseKey is read from something not @shimOwn/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an own field name that a foreign shape also declares is left unmangled', () => {
  const dir = scratch('export interface Foreign { phaseKey: string }\nexport const read = (e: Foreign): string => e.phaseKey;');
  try {
    const { names, kept } = ownNames(dir);
    assert.ok(!names.includes('phaseKey') && kept.includes('phaseKey'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a name used as a string (a key, an `in` check) is left unmangled', () => {
  const dir = scratch("export const has = (e: object): boolean => 'phaseKey' in e;");
  try {
    assert.ok(!ownNames(dir).names.includes('phaseKey'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
