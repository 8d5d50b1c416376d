// Many connections: 50 at once, and 1,000 created, connected and closed with nothing left behind.
import { expect } from '@esm-bundle/chai';
import { closeAll, makePair, negotiate, until } from '../helpers/loopback.js';
import { isChromium, nativeState, record } from '../helpers/env.js';

afterEach(closeAll);

async function connect() {
  const p = makePair();
  const r1 = record(p.pc1);
  const r2 = record(p.pc2);
  p.pc1.createDataChannel('x');
  await negotiate(p.pc1, p.pc2);
  await until(() => p.pc1.connectionState === 'connected' && p.pc2.connectionState === 'connected', 20000, 'connected');
  // Chromium keeps some connections alive for good when they are closed between ICE "connected"
  // and its own connectionState update a task later, shim or no shim (measured without the shim:
  // 862 of 1000 collected when closing at the ICE event). The shim reports "connected" in that
  // window, so wait for the browser's own value too before closing.
  await until(() => nativeState(p.pc1) !== 'connecting' && nativeState(p.pc2) !== 'connecting', 20000, 'native connected');
  // And when candidate gathering is over (no addIceCandidate() in flight at close()): this test
  // is about what the shim retains, not about what Chromium does with pending operations.
  await until(() => p.pc1.iceGatheringState === 'complete' && p.pc2.iceGatheringState === 'complete', 20000, 'gathering complete');
  await new Promise((r) => setTimeout(r, 20));
  return { p, r1, r2 };
}

/**
 * Counts `statechange` listeners on transports, through EventTarget's own methods. Holds no
 * reference to any transport (a Map of them would itself keep connections alive).
 */
function countTransportListeners() {
  const proto = EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  const seen = new WeakSet<EventTarget>();
  let live = 0;
  let transports = 0;
  const isTransport = (t: EventTarget) =>
    (typeof RTCDtlsTransport === 'function' && t instanceof RTCDtlsTransport) ||
    (typeof RTCIceTransport === 'function' && t instanceof RTCIceTransport);
  proto.addEventListener = function (this: EventTarget, type: string, fn: unknown, ...rest: unknown[]) {
    if (type === 'statechange' && isTransport(this)) {
      live++;
      if (!seen.has(this)) {
        seen.add(this);
        transports++;
      }
    }
    return (add as Function).call(this, type, fn, ...rest);
  } as typeof proto.addEventListener;
  proto.removeEventListener = function (this: EventTarget, type: string, fn: unknown, ...rest: unknown[]) {
    if (type === 'statechange' && isTransport(this)) live--;
    return (remove as Function).call(this, type, fn, ...rest);
  } as typeof proto.removeEventListener;
  return {
    live: () => live,
    seen: () => transports,
    restore() {
      proto.addEventListener = add;
      proto.removeEventListener = remove;
    },
  };
}

describe('many connections', () => {
  it('50 connections at once reach "connected", each with exactly connecting → connected', async function () {
    this.timeout(60000);
    const all = await Promise.all(Array.from({ length: 25 }, connect));
    // Chromium's own value follows a task later: wait for it before comparing.
    await until(() => all.every(({ p }) => nativeState(p.pc1) === 'connected' && nativeState(p.pc2) === 'connected'), 5000, 'native connected');
    for (const { p, r1, r2 } of all) {
      expect(r1.listener).to.deep.equal(['connecting', 'connected']);
      expect(r2.listener).to.deep.equal(['connecting', 'connected']);
      expect(r1.handler).to.deep.equal(r1.listener);
      expect(p.pc1.connectionState).to.equal(nativeState(p.pc1));
    }
  });

  it('1,000 connections: created, connected, closed; no transport listener outlives its connection', async function () {
    this.timeout(180000);
    const counter = countTransportListeners();
    const registry = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry<number>((batch) => {
      collected++;
      perBatch[batch] = (perBatch[batch] || 0) + 1;
    }) : null;
    let collected = 0;
    const perBatch: number[] = [];
    try {
      // Three more batches, not counted: Chromium was seen to hold part of the most recent batch
      // a while longer (40 of 50 once, with only one batch after it), whatever keeps it.
      for (let batch = 0; batch < 23; batch++) {
        const pairs = await Promise.all(Array.from({ length: 25 }, connect));
        for (const { p } of pairs) {
          if (registry && batch < 20) {
            registry.register(p.pc1, batch);
            registry.register(p.pc2, batch);
          }
        }
        expect(counter.live()).to.be.above(0, 'the shim listens to the transports of live connections');
        closeAll();
        expect(counter.live()).to.equal(0, `listeners left after closing batch ${batch}`);
        // Chromium counts closed connections against its limit of 500 until they are collected.
        const gc = (window as unknown as { gc?: () => void }).gc;
        if (gc) {
          await new Promise((r) => setTimeout(r, 0));
          gc();
        }
      }
      expect(counter.seen()).to.be.at.least(1000, 'transports seen');
    } finally {
      counter.restore();
    }
    const gc = (window as unknown as { gc?: () => void }).gc;
    if (!gc) {
      // Firefox gives pages no way to force a collection; the listener count above still holds.
      console.log(`forced GC unavailable in this browser (${isChromium ? 'Chromium' : 'Firefox'}): retention not measured`);
      return;
    }
    const t0 = performance.now();
    for (let i = 0; i < 100 && collected < 1000; i++) {
      await new Promise((r) => setTimeout(r, 100));
      gc();
    }
    console.log(`collected ${collected} of 1000 closed connections within ${Math.round(performance.now() - t0)} ms of forced GC; per batch of 50: ${perBatch.join(',')}`);
    expect(collected).to.equal(1000, 'connections collected after close');
  });
});
