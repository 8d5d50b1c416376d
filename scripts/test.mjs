// `npm test` after the build: runs each test runner in turn and ends with one line over all of
// them, `total: N passed, M failed, K skipped`. Each runner prints its own `name: N passed, ...`.
// Arguments are passed to web-test-runner (for example `-- --group forced`).
import { spawn } from 'node:child_process';

const runners = [
  { name: 'node', cmd: process.execPath, args: ['--expose-gc', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=./scripts/node-summary.mjs', '--test-reporter-destination=stdout', 'test/node/'] },
  { name: 'wtr', cmd: 'npx', args: ['wtr', ...process.argv.slice(2)] },
  { name: 'old-chromium', cmd: process.execPath, args: ['test/old/run.mjs'] },
  { name: 'network', cmd: process.execPath, args: ['test/net/run.mjs'] },
  { name: 'peers', cmd: process.execPath, args: ['test/peers/run.mjs'] },
  { name: 'demo', cmd: process.execPath, args: ['scripts/demo.mjs', '--smoke'] },
  { name: 'package', cmd: process.execPath, args: ['scripts/check-package.mjs'] },
  { name: 'bundlers', cmd: process.execPath, args: ['test/bundlers/run.mjs'] },
];

const LINE = /^(\S+): (\d+) passed, (\d+) failed(?:, (\d+) skipped)?/;

function run({ name, cmd, args }) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let last = null;
    let buf = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk;
      const lines = buf.split('\n');
      buf = lines.pop();
      for (const l of lines) {
        const m = LINE.exec(l.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim());
        if (m && m[1] === name) last = { passed: +m[2], failed: +m[3], skipped: +(m[4] || 0) };
      }
    });
    child.on('close', (code) => resolve({ name, code, counts: last }));
  });
}

const total = { passed: 0, failed: 0, skipped: 0 };
let ok = true;
for (const r of runners) {
  const res = await run(r);
  if (!res.counts) {
    console.log(`${r.name} printed no totals (exit ${res.code})`);
    total.failed++;
    ok = false;
    continue;
  }
  for (const k of Object.keys(total)) total[k] += res.counts[k];
  if (res.code !== 0 || res.counts.failed) ok = false;
}
// docs/conformance.md from what the corpus and the old builds recorded (results/).
await new Promise((resolve) => spawn(process.execPath, ['scripts/conformance-report.mjs'], { stdio: 'inherit' }).on('close', resolve));
console.log(`total: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(ok ? 0 : 1);
