// The stats prober (src/prober/) in Node, over stand-in connections: what it reads with, that
// its timer never keeps a dropped connection alive (forced GC; Chromium itself keeps every unclosed
// RTCPeerConnection alive, so a page cannot show this there), and that it stops.
// Needs --expose-gc (scripts/test.mjs passes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReader, plan, stop } from '../../dist/prober/loop.js';
import { situation } from '../helpers/situation.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A stand-in connection whose promise-form getStats() reports one transport entry. */
function fakeConnection(dtlsState = 'connecting') {
  const pc = {
    calls: 0,
    getStats(arg) {
      pc.calls++;
      // No legacy callback form here, like Firefox and Chromium >= 117: a function is rejected.
      if (typeof arg === 'function') return Promise.reject(new TypeError('not a MediaStreamTrack'));
      return Promise.resolve(new Map([['t', { type: 'transport', id: 't', dtlsState }]]));
    },
  };
  return pc;
}

test('reads back off while connecting, and learns the DTLS state', async () => {
  const pc = fakeConnection('failed');
  const seen = [];
  const p = createReader(pc, (target) => seen.push(target));
  plan(p, situation('dtls', false, 'k'));
  await sleep(60);
  assert.ok(seen.length >= 3, `reads by 60 ms: ${seen.length}`);
  assert.equal(seen[0], pc, 'called back with the connection');
  assert.deepEqual(p.learnt.dtls, ['failed']);
  stop(p);
  const calls = pc.calls;
  await sleep(100);
  assert.equal(pc.calls, calls, 'no read after stop()');
});

test('a connection dropped while its next read is pending is collected (the timer holds it weakly)', async () => {
  assert.equal(typeof globalThis.gc, 'function', 'run with --expose-gc');
  let collected = 0;
  const registry = new FinalizationRegistry(() => collected++);
  let reads = 0;
  const N = 20;
  const probers = [];
  for (let i = 0; i < N; i++) {
    let pc = fakeConnection();
    const p = createReader(pc, () => reads++);
    // "disconnected": the next read is a 1 s timer; the connection is dropped before it fires.
    plan(p, situation('disconnected', false, 'k'));
    registry.register(pc, i);
    probers.push(p);
    pc = null;
  }
  for (let i = 0; i < 20 && collected < N; i++) {
    await sleep(10);
    globalThis.gc();
  }
  assert.equal(collected, N, `collected ${collected} of ${N} before their reads`);
  assert.equal(reads, 0, 'no read had happened yet');
  // The timers fire later, find nothing, and end.
  await sleep(1100);
  assert.equal(reads, 0, 'nothing read for collected connections');
  assert.ok(probers.every((p) => !p.timer), 'no timer left');
});
