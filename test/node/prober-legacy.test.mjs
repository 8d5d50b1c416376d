// The stats prober (src/prober/) over a stand-in for Chromium < 117, which has the legacy
// callback form `getStats(callback)`. A file of its own: whether the legacy form exists is learnt
// once per module, and test/node/prober.test.mjs teaches it that it does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReader, plan, stop } from '../../dist/prober/loop.js';
import { situation } from '../helpers/situation.mjs';
import { readLegacyStates } from '../../dist/stats.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A stand-in connection, one transport in use over a pair that works both ways. The legacy form
 * shows DTLS up (a cipher) while `up` is true; the promise form says `dtlsState`.
 */
function fakeConnection(dtlsState) {
  const pc = {
    up: true,
    /** The remote certificate is listed (with the cipher while `up`; alone mid-handshake). */
    cert: false,
    writable: true,
    /** How old the legacy report is (ms): Chromium answers from a snapshot up to ~50 ms old. */
    age: 0,
    /** The selected pair's round-trip time, as the legacy form's googRtt says it (ms). */
    rtt: 1,
    /**
     * Transports BUNDLE dropped that the report still lists after the one in use, each with the
     * time it was last gathered (the offerer's audio + video + data against Janus, 71 and 74).
     */
    dropped: [],
    legacyReads: 0,
    promiseReads: 0,
    getStats(callback) {
      if (typeof callback !== 'function') {
        pc.promiseReads++;
        return Promise.resolve(new Map([['t', { type: 'transport', id: 't', dtlsState }]]));
      }
      pc.legacyReads++;
      const stats = (values) => (name) => values[name] || '';
      const timestamp = new Date(Date.now() - pc.age);
      const reports = [
        { type: 'googCandidatePair', id: 'pair', timestamp, stat: stats({ googWritable: String(pc.writable), googReadable: 'true', googActiveConnection: 'true', googRtt: String(pc.rtt) }) },
        { type: 'googComponent', id: 'component', timestamp, stat: stats({ selectedCandidatePairId: 'pair', dtlsCipher: pc.up ? 'TLS_AES' : '', remoteCertificateId: pc.up || pc.cert ? 'cert' : '' }) },
      ].concat(pc.dropped.map((at, i) => ({ type: 'googComponent', id: `dropped-${i}`, timestamp: new Date(at), stat: stats({}) })));
      setTimeout(() => callback({ result: () => reports }));
      return undefined;
    },
  };
  return pc;
}

/**
 * A prober in a phase of `need`, whose first (legacy) read sees DTLS up; then DTLS goes down in
 * the stand-in. Returns the connection, the prober, and the DTLS states after that first read.
 */
async function upThenDown(dtlsState, need, connected) {
  const pc = fakeConnection(dtlsState);
  const p = createReader(pc, () => {});
  plan(p, situation(need, connected, need));
  for (let i = 0; i < 50 && !pc.legacyReads; i++) await sleep(2);
  await sleep(5);
  const first = p.learnt.dtls;
  pc.up = false;
  return { pc, p, first };
}

/** Waits (1 s at most) for the prober's DTLS states to say "failed", then stops it. */
async function settleOnFailed(p) {
  for (let i = 0; i < 100 && !(p.learnt.dtls && p.learnt.dtls[0] === 'failed'); i++) await sleep(10);
  stop(p);
}

test('DTLS seen up for a moment, then down while connecting: the promise form is asked, and says "failed"', async () => {
  // Seen in Chromium 74 (test/old "DTLS fingerprint failure", 1 page in ~40): the side whose own
  // fingerprint check passes has DTLS up for a few ms until the peer's alert fails it. A legacy
  // read in that moment saw it up; the legacy form cannot tell the failure that follows from a
  // close, and the shim stayed "connecting" while the browser said "failed".
  const { pc, p, first } = await upThenDown('failed', 'dtls', false);
  assert.deepEqual(first, ['connected'], 'the first (legacy) read saw DTLS up');
  await settleOnFailed(p);
  assert.deepEqual(p.learnt.dtls, ['failed'], `DTLS after ${pc.legacyReads} legacy and ${pc.promiseReads} promise-form reads`);
  assert.ok(pc.promiseReads >= 1, 'asked the promise form');
});

test('the same right after "connected" (the settle reads): the promise form is asked, and says "failed"', async () => {
  // Chromium 76 has ICE transports and does not fold DTLS into iceConnectionState: the DTLS blip
  // makes the value "connected", and the legacy form alone would keep it there.
  const { pc, p } = await upThenDown('failed', 'dtls', true);
  await settleOnFailed(p);
  assert.deepEqual(p.learnt.dtls, ['failed'], `DTLS after ${pc.legacyReads} legacy and ${pc.promiseReads} promise-form reads`);
});

test('DTLS up, then down where no DTLS is needed (a held "disconnected"): the promise form is not asked', async () => {
  // In Chromium 71 a promise-form read in flight can deadlock close(), which a page calls right
  // after its peer left: a held "disconnected" reads the legacy form alone.
  const { pc, p } = await upThenDown('closed', 'held', true);
  await sleep(1200);
  stop(p);
  assert.ok(pc.legacyReads >= 2, `legacy reads: ${pc.legacyReads}`);
  assert.equal(pc.promiseReads, 0, 'promise-form reads');
});

test('a held "disconnected" is judged only by a report gathered after it began', async () => {
  // Chromium's legacy form answers from a snapshot up to ~50 ms old (measured in 71 and 74). The
  // hold's first read comes at once, a few ms after the settle reads of "connected": a snapshot
  // from before the selected pair was writable would say consent is lost (seen once in 74, in CI:
  // "connected" → "disconnected" where native stayed "connected").
  const pc = fakeConnection('closed');
  pc.up = false;
  pc.writable = false;
  pc.age = 40;
  const p = createReader(pc, () => {});
  // The exposed state is a folded "disconnected" (Chromium < 75, no ICE transport): reads judge ICE.
  plan(p, situation('held', true, 'held', { judgeIce: true, iceHidden: true, dtlsInIce: true }));
  for (let i = 0; i < 50 && !pc.legacyReads; i++) await sleep(2);
  await sleep(5);
  assert.equal(pc.legacyReads, 1, 'the hold\'s first read');
  assert.equal(p.learnt.ice, undefined, 'a snapshot from before the hold says nothing of it');
  // The next read (500 ms on) is a fresh snapshot.
  pc.age = 0;
  pc.writable = true;
  for (let i = 0; i < 100 && pc.legacyReads < 2; i++) await sleep(10);
  await sleep(5);
  assert.equal(p.learnt.ice, 'connected', 'a fresh snapshot with the pair writable: the hold stands');
  pc.writable = false;
  for (let i = 0; i < 100 && pc.legacyReads < 3; i++) await sleep(10);
  await sleep(5);
  stop(p);
  assert.equal(p.learnt.ice, 'disconnected', 'a fresh snapshot with the pair not writable: consent lost');
});

test('a held "disconnected" is judged by the report\'s newest entry, not by a transport BUNDLE dropped', async () => {
  // Chromium 71 and 74 against Janus (audio, video and a data channel): the report lists the two
  // transports BUNDLE dropped after the one in use, their times frozen since the answer. Judged by
  // the last entry's time, every read looked older than the hold, and after Janus hung up or was
  // killed the shim skipped "disconnected" (test/peers, every run).
  const pc = fakeConnection('closed');
  pc.up = false;
  pc.dropped = [Date.now() - 5000, Date.now() - 5000];
  const p = createReader(pc, () => {});
  plan(p, situation('held', true, 'held', { judgeIce: true, iceHidden: true, dtlsInIce: true }));
  // Polled, not timed: on a busy machine a read's callback can settle late.
  for (let i = 0; i < 100 && p.learnt.ice === undefined; i++) await sleep(10);
  assert.equal(p.learnt.ice, 'connected', `the pair writable: the hold stands (after ${pc.legacyReads} read(s))`);
  pc.writable = false;
  for (let i = 0; i < 150 && p.learnt.ice === 'connected'; i++) await sleep(10);
  stop(p);
  assert.equal(p.learnt.ice, 'disconnected', `the pair not writable: consent lost (after ${pc.legacyReads} read(s))`);
});

test('the legacy form counts DTLS up by its cipher, not by the remote certificate alone', async () => {
  // Chromium 76, a peer that closed before its last handshake flight: the remote certificate is
  // listed, no cipher, and the browser says DTLS "connecting" (11 of 30 pairs). Counted as up, the
  // shim said "connected" where native stayed "connecting" (test/old, 5 pages in 40).
  const certOnly = fakeConnection('connecting');
  certOnly.up = false;
  certOnly.cert = true;
  const s = await readLegacyStates(certOnly);
  assert.deepEqual(s.dtls, ['?'], 'ICE works, DTLS not up: a handshake under way or a failed one');
});

// A DTLS handshake takes two round trips and some processing: over a slow network (a stand-in
// pair with a 150 ms googRtt) a healthy one stalls for ~350 ms with ICE working, and the fixed
// 100 ms wait confirmed it with the promise form (holding a close() back in Chromium 71 meanwhile).
// The wait is now four round trips: a handshake that completes within them asks nothing; one that
// never completes is still confirmed, later; and at loopback speed the 100 ms stand.
/** A stand-in whose handshake has not come up, at `rtt` ms, with a prober reading it for DTLS. */
function stalled(dtlsState, rtt) {
  const pc = fakeConnection(dtlsState);
  pc.up = false;
  pc.rtt = rtt;
  const p = createReader(pc, () => {});
  plan(p, situation('dtls', false, 'dtls'));
  return { pc, p };
}

test('a stall is confirmed only after four round trips of the selected pair (googRtt)', async () => {
  const slow = stalled('connecting', 150);
  await sleep(350);
  slow.pc.up = true; // the handshake is done, 2 round trips and some processing later
  await sleep(300);
  stop(slow.p);
  assert.equal(slow.pc.promiseReads, 0, `promise-form reads during a healthy handshake at 150 ms RTT (${slow.pc.legacyReads} legacy reads)`);
  assert.deepEqual(slow.p.learnt.dtls, ['connected']);

  const failed = stalled('failed', 150);
  await sleep(400);
  assert.equal(failed.pc.promiseReads, 0, 'not confirmed before four round trips');
  await settleOnFailed(failed.p);
  assert.deepEqual(failed.p.learnt.dtls, ['failed'], 'a failed handshake is still confirmed');

  const t0 = Date.now();
  const loopback = stalled('failed', 1);
  for (let i = 0; i < 100 && !loopback.pc.promiseReads; i++) await sleep(5);
  stop(loopback.p);
  assert.ok(loopback.pc.promiseReads >= 1 && Date.now() - t0 < 300, `at 1 ms RTT the confirm comes after ~100 ms (${Date.now() - t0} ms)`);
});
