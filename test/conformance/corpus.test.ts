// The differential corpus (issue "Conformance"): every scenario on a real loopback pair, the
// browser's own connectionState as the oracle, the shim loaded from the script tag, under the
// profile this group's page simulated (see web-test-runner.config.mjs). Each result goes to the
// server (results/conformance.jsonl) for scripts/conformance-report.mjs.
import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { compare } from './observe.js';
import { newRun, scenarios } from './scenarios.js';
import { knownCause } from './known.js';
import { isFirefox } from '../helpers/env.js';
import { sleep } from '../helpers/loopback.js';

const profile = (window as unknown as { __shimTest: { profile: string } }).__shimTest.profile;
const browser = isFirefox ? 'firefox' : 'chromium';
const version = (/(?:Firefox|Chrome)\/([\d.]+)/.exec(navigator.userAgent) || [])[1] || navigator.userAgent;

describe(`conformance: ${profile}`, () => {
  for (const s of scenarios) {
    it(`${s.name}: ${s.title}`, async function () {
      this.timeout(s.timeout || 20000);
      const r = newRun();
      const t0 = performance.now();
      let logs;
      try {
        await s.run(r);
        await sleep(s.grace);
      } finally {
        logs = r.observers.map((o) => o.stop());
        for (const undo of r.cleanup) undo();
      }
      const found = logs.map((log, i) => {
        const c = compare(log);
        const tag = (list: string[]) => list.map((p) => `pc${i + 1} ${p}`);
        return { sequence: tag(c.sequence), faults: tag(c.faults) };
      });
      const sequence = found.map((f) => f.sequence).flat();
      const faults = found.map((f) => f.faults).flat();
      const problems = faults.concat(sequence);
      const cause = knownCause(browser, profile, s.name);
      await executeServerCommand('conformance-result', {
        browser, version, profile, scenario: s.name, title: s.title,
        agree: problems.length === 0, problems, known: cause || null,
        ms: Math.round(performance.now() - t0), peers: logs,
      });
      // `modern` must agree or have a listed cause. A cut-down profile sees less by design: a
      // different path through the states is recorded for the table, but a wrong final value, a
      // duplicate event or a browser event reaching the page still fails unless listed.
      const fatal = profile === 'modern' ? problems : faults;
      if (fatal.length && !cause) expect.fail(problems.join('; '));
    });
  }
});
