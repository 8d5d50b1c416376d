// The conformance corpus's profiles (web-test-runner.config.mjs) and the harness's, which users
// get, must cut the same properties: the corpus is what shows each profile agrees with native.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILES as corpus } from '../../web-test-runner.config.mjs';
import { PROFILES as harness } from '../../dist/harness.js';

test('the harness profiles cut what the conformance corpus cuts', () => {
  assert.deepEqual(harness['no-connection-state'], corpus.modern);
  assert.deepEqual(harness['no-ice-transports'], corpus['firefox-82-112']);
  assert.deepEqual(harness['no-transports'], corpus['ice-only']);
  assert.deepEqual(harness['no-transceivers'], corpus['chromium-56-63']);
});
