// The held "disconnected" of Chromium < 75 (src/derive.ts), replayed derivation by derivation as
// record.ts chains them (each gets the previous value and hold). The sequences are what the
// real builds showed in test/old "peer closes": after the peer's close_notify the folded
// iceConnectionState turns "disconnected", and in 71 sometimes "checking" 1 ms later, which it
// then keeps until ICE fails ~15 s on (seen in 1 page of ~20 under a full old-build run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derive } from '../../dist/derive.js';
import { learn, newMemory } from '../../dist/prober/memory.js';
import { situation } from '../helpers/situation.mjs';

/** Derives each step in turn: `[exposed iceConnectionState, what the stats said of ICE]`. */
function replay(steps, { dtlsInIce = true, hidesIceFailure = false, previous = 'connected' } = {}) {
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
      hidesIceFailure,
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

// Chromium ≥ 75 hides ICE's failure behind "disconnected" (crbug 982793). A TURN relay over TCP
// killed ends every pair at once: native goes connected → failed, its ICE states say
// "disconnected" (76 and 156 in test/peers). The first read tells which.
test('Chromium ≥ 75: a "disconnected" after "connected" waits for the first read, which says whether ICE failed', () => {
  // ICE failed outright (the relay's TCP connection gone): "failed" with no "disconnected", as native.
  assert.deepEqual(replay([['disconnected'], ['disconnected', 'failed']], { dtlsInIce: false, hidesIceFailure: true }),
    ['connected/held', 'failed/none']);
  // Consent lost (the peer went quiet): "disconnected", then the reads look for ICE's failure.
  assert.deepEqual(replay([['disconnected'], ['disconnected', 'disconnected'], ['disconnected', 'failed']], { dtlsInIce: false, hidesIceFailure: true }),
    ['connected/held', 'disconnected/disconnected', 'failed/none']);
  // Only after "connected": a "disconnected" while connecting shows at once.
  assert.deepEqual(replay([['disconnected']], { dtlsInIce: false, hidesIceFailure: true, previous: 'connecting' }), ['disconnected/disconnected']);
});

test('Firefox does not hide ICE\'s failure: its "disconnected" shows at once', () => {
  assert.deepEqual(replay([['disconnected']], { dtlsInIce: false, hidesIceFailure: false }), ['disconnected/disconnected']);
});

test('Chromium ≥ 75: what a read says of such a hold (prober/memory.ts `learn`)', () => {
  const since = Date.now();
  // The legacy form's report of 76 (no iceState): one transport in use, its selected pair writable.
  const report = (more) => ({ ice: [], dtls: ['connected'], transports: 1, selectedPairs: 1, writablePairs: 1, pairs: 1, ids: ['t'], consentPairs: true, gathered: since + 1, ...more });
  const hold = situation('held', true, 'held', { judgeIce: true, iceHidden: true, dtlsInIce: false });
  const read = (phaseSince = since) => ({ viaCallback: true, confirmed: false, samePhase: true, phaseSince });
  const m = newMemory();
  learn(m, report(), hold, read());
  assert.equal(m.ice, 'disconnected', 'a writable pair does not make it "connected": ICE does not fold DTLS in here');
  const gone = newMemory();
  learn(gone, report({ selectedPairs: 0, writablePairs: 0, pairs: 0 }), hold, read());
  assert.equal(gone.ice, 'failed', 'no selected pair and no pair left (a TURN relay over TCP gone): ICE failed (76)');
  const restarting = newMemory();
  learn(restarting, report({ selectedPairs: 0, writablePairs: 0, pairs: 2 }), hold, read());
  assert.equal(restarting.ice, 'disconnected', 'no selected pair while new ones are checked (an ICE restart): not failed yet');
  // A snapshot from before the hold cannot say whether ICE failed since; the hold does not wait for
  // another (a "disconnected" can last 65 ms: 76, an ICE restart): it shows, and is read 50 ms on.
  const stale = newMemory();
  learn(stale, report({ gathered: since - 20, selectedPairs: 0, writablePairs: 0 }), hold, read());
  assert.equal(stale.ice, 'disconnected', 'a stale snapshot: "disconnected", not its "failed"');
});
