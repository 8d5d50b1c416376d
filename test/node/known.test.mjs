// test/conformance/known.js: a listed cause excuses only the one step it names in a sequence,
// never another difference.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { excuses, knownEntry } from '../../test/conformance/known.js';

const blip = knownEntry('chromium', 'ice-only', 'dtls-failure');
const dip = knownEntry('firefox', 'ice-only', 'renegotiate');

test('the DTLS-failure blip excuses exactly a "connected" right before "failed"', () => {
  assert.ok(blip);
  assert.equal(excuses(blip, ['new', 'connecting', 'connected', 'failed'], ['new', 'connecting', 'failed']), true);
  assert.equal(excuses(blip, ['new', 'connecting', 'failed'], ['new', 'connecting', 'connected', 'failed']), true);
});

test('it excuses nothing else', () => {
  // a wrong final value
  assert.equal(excuses(blip, ['new', 'connecting', 'connected', 'failed'], ['new', 'connecting', 'connected']), false);
  // a "connected" elsewhere
  assert.equal(excuses(blip, ['new', 'connecting', 'connected', 'failed'], ['new', 'connected', 'failed']), false);
  // no difference at all: nothing to excuse (the report calls the cause "did not show")
  assert.equal(excuses(blip, ['new', 'connecting', 'failed'], ['new', 'connecting', 'failed']), false);
  // another cell's cause
  assert.equal(excuses(dip, ['new', 'connecting', 'connected', 'failed'], ['new', 'connecting', 'failed']), false);
  assert.equal(excuses(undefined, ['new', 'connected'], ['new', 'connecting', 'connected']), false);
});

test('Firefox\'s renegotiation dip excuses exactly a "connecting" between two "connected"', () => {
  assert.equal(excuses(dip, ['new', 'connecting', 'connected', 'connecting', 'connected'], ['new', 'connecting', 'connected']), true);
  assert.equal(excuses(dip, ['new', 'connecting', 'connected', 'connecting', 'connected'], ['new', 'connected']), false);
});
