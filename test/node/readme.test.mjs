// The README a newcomer reads: its two commands exist and are what CI runs, it stays short, and
// every file it or docs/ links to is there (anchors into the README included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const read = (p) => readFileSync(join(ROOT, p), 'utf8');
const readme = read('README.md');

test('the README opens with the two commands, and they exist', () => {
  const first = /```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(first && readme.indexOf(first[0]) < readme.indexOf('\n## '), 'a sh block before the first section');
  const commands = first[1].split('\n').filter(Boolean).map((l) => l.replace(/\s+#.*$/, '').trim());
  assert.deepEqual(commands, ['npm ci && npm run demo', 'npm test']);
  const scripts = JSON.parse(read('package.json')).scripts;
  assert.ok(scripts.demo && scripts.test, 'package.json has the demo and test scripts');
  // CI runs exactly the README's test command, last.
  const ci = read('.ci/run').trim().split('\n');
  assert.equal(ci[ci.length - 1].trim(), 'npm test');
});

test('the README stays a page or two (at most ~200 lines)', () => {
  const lines = readme.split('\n').length;
  assert.ok(lines <= 210, `README.md has ${lines} lines`);
});

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes. */
const slug = (heading) => heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');

test('every relative link in the README and docs/ resolves (files, and anchors into the README)', () => {
  const anchors = new Set([...readme.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
  const files = ['README.md', 'CHANGELOG.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
  const broken = [];
  let count = 0;
  for (const file of files) {
    for (const m of read(file).matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1];
      if (/^(https?:|mailto:|#)/.test(target)) continue;
      count++;
      const [path, anchor] = target.split('#');
      const resolved = normalize(join(dirname(file), path));
      if (!existsSync(join(ROOT, resolved))) broken.push(`${file}: ${target} (no ${resolved})`);
      else if (anchor && resolved === 'README.md' && !anchors.has(anchor)) broken.push(`${file}: ${target} (no such heading)`);
    }
  }
  assert.ok(count >= 20, `${count} links checked`);
  assert.deepEqual(broken, []);
});

test('each doc the README links to has a title that says what it is', () => {
  for (const m of readme.matchAll(/\]\((docs\/[\w-]+\.md)\)/g)) {
    const first = read(m[1]).split('\n')[0];
    assert.match(first, /^# \S.{10,}/, `${m[1]} starts with a title`);
  }
});
