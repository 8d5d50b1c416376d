// The held "disconnected" of Chromium < 75 (src/derive.ts), replayed derivation by derivation as
// record.ts chains them (each gets the previous value and hold). The sequences are what the
// real builds showed in test/old "peer closes": after the peer's close_notify the folded
// iceConnectionState turns "disconnected", and in 71 sometimes "checking" 1 ms later, which it
// then keeps until ICE fails ~15 s on (seen in 1 page of ~20 under a full old-build run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derive } from '../../dist/derive.js';

/** Derives each step in turn: `[exposed iceConnectionState, what the stats said of ICE]`. */
function replay(steps, { dtlsInIce = true, previous = 'connected' } = {}) {
  let prev = previous;
  let heldAs = null;
  return steps.map(([exposed, statsIce]) => {
    const d = derive({
      iceTransports: [],
      iceConnectionState: exposed,
      dtlsTransports: [],
      canStat: true,
      described: true,
      dtlsInIce,
      remoteKnown: true,
      previous: prev,
      heldAs,
      learnt: { ice: statsIce, dtls: ['connected'], consentPairs: true },
    });
    prev = d.value;
    heldAs = d.heldAs;
    return `${d.value}/${d.need}`;
  });
}

test('71: a "checking" right after the held "disconnected" is held too, until the stats see consent lost', () => {
  assert.deepEqual(replay([
    ['disconnected'], // the close_notify: held at "connected", stats asked
    ['checking'], // 71, 1 ms later: the same close_notify
    ['checking', 'connected'], // the selected pair is still writable
    ['checking', 'disconnected'], // consent lost (~5 s): as native 74 says then
    ['failed'], // ICE fails (~15 s)
  ]), ['connected/held', 'connected/held', 'connected/held', 'disconnected/disconnected', 'failed/none']);
});

test('the same when the peer closed mid-handshake: held at "connecting", never "connected"', () => {
  assert.deepEqual(replay([['disconnected'], ['checking'], ['checking', 'connected'], ['checking', 'disconnected']], { previous: 'connecting' }),
    ['connecting/held', 'connecting/held', 'connecting/held', 'disconnected/disconnected']);
});

test('a "checking" with no hold under way is "connecting", as the rules say', () => {
  assert.deepEqual(replay([['checking']]), ['connecting/dtls']);
});

test('Chromium 76 does not fold DTLS in: its "disconnected" (consent lost) is not held, and its "checking" is ICE\'s own', () => {
  // Held, the value trailed native 76 by ~0.5 s: the first read still saw the pair writable.
  assert.deepEqual(replay([['disconnected'], ['checking']], { dtlsInIce: false }), ['disconnected/disconnected', 'connecting/dtls']);
});
