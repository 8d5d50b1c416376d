// The floor of what users load: the oldest engines the published files must parse and run in.
// Chromium 56 (the first with an unprefixed RTCPeerConnection; Tizen 4 TVs) and Firefox 52 (ESR).
// Used by scripts/check-dist.mjs after every build, and by test/node/floor.test.mjs on scratch files.
//
// Syntax: ES2017 and nothing newer (acorn, ecmaVersion 2017). That rejects what both engines lack:
// object rest/spread (Chromium 60, Firefox 55), async iteration, optional catch binding (Chromium
// 66, Firefox 58), `?.`/`??`, class fields, and the ES2018 regular expressions (lookbehind, named
// groups, the `s` flag, Unicode property escapes: Chromium 62–64, Firefox 78).
// APIs: the names below, found in the syntax tree (not the text), so a feature test that reads one
// as a property (`G.WeakRef`) or after `typeof` passes.
import { parse } from 'acorn';

export const FLOOR = 'Chromium 56 and Firefox 52';

/** Globals one of them lacks: banned as a bare read. `[name, first Chromium, first Firefox]`. */
export const GLOBALS = [
  ['globalThis', 71, 65], ['queueMicrotask', 71, 69], ['structuredClone', 98, 94], ['WeakRef', 84, 79],
  ['FinalizationRegistry', 84, 79], ['AbortController', 66, 57], ['AggregateError', 85, 79],
];
/** Methods and properties one of them lacks: banned as any member access. */
export const MEMBERS = [
  ['fromEntries', 73, 63], ['allSettled', 76, 71], ['any', 85, 79], ['replaceAll', 85, 77], ['flatMap', 69, 62],
  ['flat', 69, 62], ['at', 92, 90], ['trimStart', 66, 61], ['trimEnd', 66, 61], ['matchAll', 73, 67],
  ['finally', 63, 58], ['description', 70, 63], ['padStart', 57, 48], ['padEnd', 57, 48],
  ['hasOwn', 93, 92], ['findLast', 97, 104], ['findLastIndex', 97, 104],
];

const bannedGlobal = new Map(GLOBALS.map(([n, c, f]) => [n, `Chromium ${c}, Firefox ${f}`]));
const bannedMember = new Map(MEMBERS.map(([n, c, f]) => [n, `Chromium ${c}, Firefox ${f}`]));

/** `typeof NAME` */
const typeofOf = (node) => node && node.type === 'UnaryExpression' && node.operator === 'typeof' && node.argument.type === 'Identifier' ? node.argument.name : null;

/**
 * What in `code` the floor engines cannot parse or lack: a list of messages, empty when it passes.
 * `sourceType`: 'script' (the classic script) or 'module'.
 */
export function belowFloor(code, sourceType) {
  let ast;
  try {
    ast = parse(code, { ecmaVersion: 2017, sourceType });
  } catch (e) {
    return [`not ES2017 (${FLOOR} cannot parse it): ${e.message}`];
  }
  const found = [];
  // Names made safe by a `typeof NAME` test on the way down: `typeof X === 'object' ? X : …`.
  const walk = (node, parent, guarded) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Identifier' && bannedGlobal.has(node.name) && !guarded.has(node.name)) {
      const asProperty = parent && ((parent.type === 'MemberExpression' && parent.property === node && !parent.computed) ||
        (parent.type === 'Property' && parent.key === node && !parent.computed));
      if (!asProperty && typeofOf(parent) !== node.name) found.push(`uses ${node.name} (from ${bannedGlobal.get(node.name)})`);
    }
    if (node.type === 'MemberExpression' && !node.computed && bannedMember.has(node.property.name)) {
      found.push(`uses .${node.property.name} (from ${bannedMember.get(node.property.name)})`);
    }
    if (node.type === 'MemberExpression' && node.computed && node.property.type === 'Literal' && bannedMember.has(node.property.value)) {
      found.push(`uses ['${node.property.value}'] (from ${bannedMember.get(node.property.value)})`);
    }
    let inner = guarded;
    if ((node.type === 'ConditionalExpression' || node.type === 'IfStatement') && node.test) {
      const names = [];
      const find = (n) => {
        if (!n || typeof n.type !== 'string') return;
        const t = typeofOf(n);
        if (t) names.push(t);
        for (const k of ['left', 'right', 'argument']) find(n[k]);
      };
      find(node.test);
      if (names.length) inner = new Set([...guarded, ...names]);
    }
    for (const key of Object.keys(node)) {
      const v = node[key];
      // Only the branches taken after the test are guarded, not the test's own operands.
      const g = key === 'consequent' ? inner : guarded;
      if (Array.isArray(v)) v.forEach((c) => walk(c, node, g));
      else if (v && typeof v.type === 'string') walk(v, node, g);
    }
  };
  walk(ast, null, new Set());
  return [...new Set(found)];
}
