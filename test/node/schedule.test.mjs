// The getStats() read schedule (src/schedule.ts), a pure function: when the next read comes, and
// that every phase ends. The expected delays are written out here, not computed by the same code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextRead, PHASE_BOUND_MS } from '../../dist/schedule.js';

const phase = (need, reads, elapsed = 0, valueConnected = false) => ({ need, reads, elapsed, valueConnected });

/** Replays a phase: the delays of every read until the schedule stops (or `max` reads). */
function replay(need, connected, max = 1000) {
  const delays = [];
  let elapsed = 0;
  for (let reads = 0; reads < max; reads++) {
    const d = nextRead(phase(need, reads, elapsed, connected));
    if (d < 0) return { delays, elapsed, stopped: true };
    delays.push(d);
    elapsed += d;
  }
  return { delays, elapsed, stopped: false };
}

/** When each read of a replay comes, in ms since the phase began. */
function readsAt(r) {
  let t = 0;
  return r.delays.map((d) => (t += d));
}

test('nothing needed: no read', () => {
  assert.equal(nextRead(phase('none', 0)), -1);
  assert.equal(nextRead(phase('none', 5, 100, true)), -1);
});

test('connecting with DTLS unseen: at once, then 8 ms doubling to a 1 s ceiling, then stop at 30 s', () => {
  const r = replay('dtls', false);
  assert.deepEqual(r.delays.slice(0, 10), [0, 8, 16, 32, 64, 128, 256, 512, 1000, 1000]);
  assert.ok(r.stopped, 'the phase ends');
  assert.ok(r.elapsed >= PHASE_BOUND_MS && r.elapsed < PHASE_BOUND_MS + 1000, `ends after ${r.elapsed} ms`);
  assert.equal(r.delays.length, 37, 'reads in a whole connecting phase');
});

test('just after "connected": 8 settle reads, no more than 250 ms apart', () => {
  const r = replay('dtls', true);
  assert.deepEqual(r.delays, [0, 8, 16, 32, 64, 128, 250, 250]);
  assert.ok(r.stopped);
});

test('held "disconnected": at once, then every 500 ms, every 100 ms from 4.5 s to 8 s (consent loss after a browser\'s or Janus\'s alert), bounded', () => {
  const r = replay('held', true);
  assert.deepEqual(r.delays.slice(0, 4), [0, 500, 500, 500]);
  // Reads at 0, 500 … 4500, then 100 ms apart through 8 s, then 500 ms apart again.
  const at = readsAt(r);
  assert.deepEqual(at.slice(8, 13), [4000, 4500, 4600, 4700, 4800]);
  assert.deepEqual(at.slice(41, 46), [7700, 7800, 7900, 8000, 8100]);
  assert.deepEqual(at.slice(46, 48), [8600, 9100]);
  assert.ok(r.stopped && r.elapsed < PHASE_BOUND_MS + 500);
});

test('held "disconnected" that no read has judged yet: read again at the next 50 ms of the hold (a stale snapshot is fresh by then), four times at most, then as before', () => {
  // The first read settled 10 ms in: the next comes 50 ms into the hold, not 50 ms after it
  // (Chromium re-gathers a legacy report 50 ms after the last gathering, which came before the hold).
  assert.equal(nextRead({ need: 'held', reads: 1, elapsed: 10, valueConnected: true, unjudged: true }), 40);
  assert.equal(nextRead({ need: 'held', reads: 1, elapsed: 49, valueConnected: true, unjudged: true }), 1);
  assert.equal(nextRead({ need: 'held', reads: 2, elapsed: 50, valueConnected: true, unjudged: true }), 50);
  assert.equal(nextRead({ need: 'held', reads: 1, elapsed: 10, valueConnected: true, unjudged: false }), 500);
  assert.equal(nextRead({ need: 'held', reads: 0, elapsed: 0, valueConnected: true, unjudged: true }), 0);
  // Where ICE does not fold DTLS in (≥ 75) the hold asks only whether ICE failed, 50 ms in.
  assert.equal(nextRead({ need: 'held', reads: 0, elapsed: 0, valueConnected: true, unjudged: true, ownIce: true }), 50);
  // Bounded: a report that never judges it (an empty one) is read 500 ms apart after four tries.
  assert.equal(nextRead({ need: 'held', reads: 3, elapsed: 160, valueConnected: true, unjudged: true }), 40);
  assert.equal(nextRead({ need: 'held', reads: 4, elapsed: 210, valueConnected: true, unjudged: true }), 500);
});

test('"disconnected": every second, every 100 ms within 1 s of 10 s (Chromium fails ICE then), bounded', () => {
  const r = replay('disconnected', false);
  assert.deepEqual(r.delays.slice(0, 3), [1000, 1000, 1000]);
  const at = readsAt(r);
  assert.deepEqual(at.slice(7, 11), [8000, 9000, 9100, 9200]);
  assert.deepEqual(at.slice(27, 32), [10900, 11000, 11100, 12000, 13000], "on the phase's 1 s grid again");
  assert.ok(r.stopped);
  assert.equal(r.delays.length, 49);
  // Reads that took time (or a first one 50 ms in, 76's hold) do not shift the grid.
  assert.equal(nextRead(phase('disconnected', 1, 55)), 945);
  assert.equal(nextRead(phase('disconnected', 10, 9130)), 70);
});

test('a phase past its bound reads no more, whatever its count', () => {
  for (const need of ['dtls', 'held', 'disconnected']) {
    assert.equal(nextRead(phase(need, 0, PHASE_BOUND_MS)), -1, need);
    assert.equal(nextRead(phase(need, 3, PHASE_BOUND_MS - 1)) >= 0, true, need);
  }
});

test('huge read counts cannot overflow the interval', () => {
  assert.equal(nextRead(phase('dtls', 40, 0)), 1000);
  assert.equal(nextRead(phase('dtls', 1e6, 0)), 1000);
});
