// The ponyfill (rtc-connection-state-shim/fn `watch`) in a page whose native accessors were
// deleted (ponyfill group) and cut down to the ice-only profile, so the stats path runs too. The
// oracle is the browser's own getter, saved before the deletion.
import { expect } from '@esm-bundle/chai';
import { install, watch } from '../../dist/fn.js';
import { breakFingerprint, closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';
import { isFirefox, nativeState } from '../helpers/env.js';

afterEach(closeAll);

function descriptors(o: object): Record<string, PropertyDescriptor> {
  const out: Record<string, PropertyDescriptor> = {};
  for (const k of Object.getOwnPropertyNames(o)) out[k] = Object.getOwnPropertyDescriptor(o, k)!;
  return out;
}

function follow(pc: RTCPeerConnection) {
  const seen: string[] = [];
  const at: Array<RTCPeerConnectionState | undefined> = [];
  const w = watch(pc, (state, target) => {
    expect(target).to.equal(pc);
    seen.push(state);
    at.push(nativeState(pc));
  });
  return { w, seen, at };
}

describe('watch() (ponyfill)', () => {
  it('patches nothing, dispatches nothing, and agrees with native on a connect', async () => {
    expect('connectionState' in RTCPeerConnection.prototype).to.equal(false);
    const before = descriptors(RTCPeerConnection.prototype);
    const { pc1, pc2 } = makePair();
    let events = 0;
    pc1.addEventListener('connectionstatechange', (e) => {
      if (!e.isTrusted) events++;
    });
    const a = follow(pc1);
    const b = follow(pc2);
    expect(a.w.state).to.equal('new');
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => a.w.state === 'connected' && b.w.state === 'connected', 10000, 'connected');
    await until(() => nativeState(pc1) === 'connected' && nativeState(pc2) === 'connected', 2000, 'native connected');
    await sleep(100);
    expect(a.seen).to.deep.equal(['connecting', 'connected']);
    expect(b.seen).to.deep.equal(['connecting', 'connected']);
    expect(descriptors(RTCPeerConnection.prototype)).to.deep.equal(before);
    expect('connectionState' in pc1).to.equal(false);
    expect(Object.getOwnPropertyNames(pc1)).to.deep.equal([]);
    expect(events).to.equal(0);
    a.w.stop();
    b.w.stop();
  });

  it('a wrong fingerprint: "failed" on both, as native', async () => {
    const { pc1, pc2 } = makePair();
    const a = follow(pc1);
    const b = follow(pc2);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2, { editAnswer: breakFingerprint });
    await until(() => a.w.state === 'failed' && b.w.state === 'failed', 15000, 'failed on both');
    expect(a.seen[a.seen.length - 1]).to.equal('failed');
    expect(b.seen[b.seen.length - 1]).to.equal('failed');
    await until(() => nativeState(pc1) === 'failed' && nativeState(pc2) === 'failed', 2000, 'native failed');
    a.w.stop();
    b.w.stop();
  });

  it('stop(): no more calls and no more getStats() reads', async () => {
    const { pc1, pc2 } = makePair();
    let reads = 0;
    const getStats = pc1.getStats;
    pc1.getStats = function (this: RTCPeerConnection, ...args: unknown[]) {
      reads++;
      return (getStats as (...a: unknown[]) => Promise<RTCStatsReport>).apply(this, args);
    } as typeof pc1.getStats;
    const a = follow(pc1);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    // The ice-only profile hides DTLS: while connecting the watcher reads the stats.
    await until(() => reads > 0, 5000, 'a getStats() read while connecting');
    a.w.stop();
    const readsAtStop = reads;
    const seenAtStop = a.seen.length;
    const stateAtStop = a.w.state;
    await until(() => nativeState(pc1) === 'connected', 10000, 'native connected');
    await sleep(1000);
    expect(reads - readsAtStop, 'reads after stop()').to.equal(0);
    expect(a.seen.length, 'calls after stop()').to.equal(seenAtStop);
    expect(a.w.state, 'state after stop()').to.equal(stateAtStop);
    // A second watcher on the same connection starts afresh: with DTLS hidden it reads
    // "connecting" until its first getStats() read shows DTLS up (8 ms at most here).
    const again = follow(pc1);
    await until(() => again.w.state === 'connected', 1000, 'the new watcher reads "connected"');
    expect(again.seen.filter((s) => s !== 'connected')).to.deep.equal([]);
    again.w.stop();
    expect(reads - readsAtStop, 'reads by the second watcher').to.be.greaterThan(0);
  });

  it('close() through the watcher: "closed", no call', async () => {
    const { pc1, pc2 } = makePair();
    const a = follow(pc1);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => a.w.state === 'connected', 10000, 'connected');
    const n = a.seen.length;
    a.w.close();
    expect(pc1.signalingState).to.equal('closed');
    expect(a.w.state).to.equal('closed');
    await sleep(300);
    expect(a.seen.length).to.equal(n);
    a.w.stop();
  });

  it('follows the connection\'s own connectionState where it has one, unless forced', async () => {
    // Give the connection back a native accessor (the saved getter), as a modern browser has.
    const env = (window as unknown as { __shimTest: { nativeGet: (this: RTCPeerConnection) => RTCPeerConnectionState } }).__shimTest;
    const { pc1, pc2 } = makePair();
    Object.defineProperty(pc1, 'connectionState', { get: env.nativeGet, configurable: true });
    const own: string[] = [];
    const w = watch(pc1, (s) => own.push(s));
    const forced = follow(pc1);
    forced.w.stop();
    const f = { seen: [] as string[] };
    const wf = watch(pc1, (s) => f.seen.push(s), { force: true });
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => w.state === 'connected' && wf.state === 'connected', 10000, 'connected');
    await sleep(100);
    // Native events reach the own-state watcher; the forced one derives its own.
    expect(own[own.length - 1]).to.equal('connected');
    expect(f.seen).to.deep.equal(['connecting', 'connected']);
    w.stop();
    wf.stop();
    delete (pc1 as unknown as Record<string, unknown>).connectionState;
  });

  // The shim installed, then uninstalled, while a forced watch() follows a connection whose peer
  // left: its "failed" comes only from getStats() (Chromium's iceConnectionState never says it),
  // so the watcher's reads must go on across uninstall(). They stopped at the next read, before.
  it('a forced watch() keeps reading after uninstall(): "failed" still comes (Chromium)', async function () {
    if (isFirefox) this.skip(); // Firefox's own iceConnectionState fails: no read is needed there
    this.timeout(40000);
    const installed = install();
    expect(installed.installed, installed.reason).to.equal(true);
    const { pc1, pc2 } = makePair();
    const seen: string[] = [];
    const w = watch(pc1, (s) => seen.push(s), { force: true });
    try {
      pc1.createDataChannel('x');
      await negotiate(pc1, pc2);
      await until(() => w.state === 'connected', 10000, 'connected');
      pc2.close();
      await until(() => w.state === 'disconnected', 10000, 'disconnected');
      installed.uninstall();
      // Only the callback from here on: reading w.state would itself re-plan the reads.
      await until(() => nativeState(pc1) === 'failed', 25000, 'native failed');
      await until(() => seen.indexOf('failed') >= 0, 3000, 'the watcher\'s "failed"').catch(() => {});
      expect(seen, 'what the watcher saw').to.deep.equal(['connecting', 'connected', 'disconnected', 'failed']);
    } finally {
      w.stop();
      installed.uninstall();
    }
  });
});
