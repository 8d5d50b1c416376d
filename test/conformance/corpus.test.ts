// The differential corpus (issue "Conformance"): every scenario on a real loopback pair, the
// browser's own connectionState as the oracle, the shim loaded from the script tag, under the
// profile this group's page simulated (see web-test-runner.config.mjs). Each result goes to the
// server (results/conformance.jsonl) for scripts/conformance-report.mjs.
import { expect } from '@esm-bundle/chai';
import { executeServerCommand } from '@web/test-runner-commands';
import { compare } from './observe.js';
import { newRun, scenarios } from './scenarios.js';
import { excuses, knownEntry } from './known.js';
import { isFirefox } from '../helpers/env.js';
import { sleep } from '../helpers/loopback.js';

const profile = (window as unknown as { __shimTest: { profile: string } }).__shimTest.profile;
const browser = isFirefox ? 'firefox' : 'chromium';
const version = (/(?:Firefox|Chrome)\/([\d.]+)/.exec(navigator.userAgent) || [])[1] || navigator.userAgent;

describe(`conformance: ${profile}`, () => {
  for (const s of scenarios) {
    // A scenario whose means the profile removed is skipped by name (and reported as such).
    const lacking = s.needs && !(s.needs in RTCPeerConnection.prototype);
    const title = `${s.name}: ${s.title}` + (lacking ? ` (skipped: no ${s.needs} in profile ${profile})` : '');
    it(title, async function () {
      if (lacking) this.skip();
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
      const entry = knownEntry(browser, profile, s.name);
      const found = logs.map((log, i) => {
        const c = compare(log);
        const tag = (list: string[]) => list.map((p) => `pc${i + 1} ${p}`);
        const excused = c.sequence.length > 0 && excuses(entry, log.native, log.shim);
        return { sequence: tag(c.sequence), faults: tag(c.faults), excused };
      });
      const sequence = found.map((f) => f.sequence).flat();
      const faults = found.map((f) => f.faults).flat();
      const unexcused = found.filter((f) => !f.excused).map((f) => f.sequence).flat();
      const problems = faults.concat(sequence);
      // The listed cause showed as such: some connection's sequence differs by exactly its step.
      const causeShown = found.some((f) => f.excused);
      await executeServerCommand('conformance-result', {
        browser, version, profile, scenario: s.name, title: s.title,
        agree: problems.length === 0, problems, known: entry ? entry.cause : null,
        causeShown: entry ? causeShown : null, unexcused: faults.concat(unexcused),
        ms: Math.round(performance.now() - t0), peers: logs,
      });
      // A listed cause excuses only its own step in the sequence, never a fault. `modern` must
      // agree but for that; a cut-down profile sees less by design: another path through the
      // states is recorded for the table, but a fault (wrong final value, duplicate or browser
      // event, handler mismatch, an explanation that contradicts the value) always fails.
      const fatal = profile === 'modern' ? faults.concat(unexcused) : faults;
      if (fatal.length) expect.fail(fatal.join('; '));
    });
  }
});
