// A node:test reporter that prints one line, `node: N passed, M failed, K skipped`.
export default async function* summary(source) {
  const c = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.data && event.data.details && event.data.details.type === 'suite') continue;
    if (event.type === 'test:pass') {
      if (event.data.skip || event.data.todo) c.skipped++;
      else c.passed++;
    } else if (event.type === 'test:fail') c.failed++;
  }
  yield `node: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped\n`;
}
