// Prints one closing line, `N passed, M failed, K skipped`, counting tests (not files) over
// every browser and group, plus a per-browser line. A file that failed to load counts as failed.
function walk(suite, counts, path, failures) {
  if (!suite) return;
  for (const t of suite.tests) {
    if (t.skipped) counts.skipped++;
    else if (t.passed) counts.passed++;
    else {
      counts.failed++;
      failures.push(`${path.concat(t.name).join(' > ')}: ${t.error ? t.error.message : 'failed'}`);
    }
  }
  for (const s of suite.suites) walk(s, counts, path.concat(s.name), failures);
}

export function summaryReporter() {
  let started = 0;
  return {
    start() {
      started = Date.now();
    },
    onTestRunFinished({ sessions }) {
      const total = { passed: 0, failed: 0, skipped: 0 };
      const perBrowser = new Map();
      for (const session of sessions) {
        const counts = { passed: 0, failed: 0, skipped: 0 };
        const failures = [];
        walk(session.testResults, counts, [], failures);
        if (!session.passed && counts.failed === 0) {
          counts.failed = 1; // load error, timeout
          failures.push((session.errors[0] && session.errors[0].message) || 'did not finish');
        }
        const name = session.browser.name;
        for (const f of failures) console.log(`FAILED [${session.group.name} / ${name}] ${session.testFile.replace(process.cwd() + '/', '')}: ${f}`);
        const b = perBrowser.get(name) || { passed: 0, failed: 0, skipped: 0 };
        for (const k of Object.keys(counts)) {
          b[k] += counts[k];
          total[k] += counts[k];
        }
        perBrowser.set(name, b);
      }
      const secs = ((Date.now() - started) / 1000).toFixed(1);
      for (const [name, c] of perBrowser) {
        console.log(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
      }
      console.log(`wtr: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped (${secs} s)`);
    },
  };
}
