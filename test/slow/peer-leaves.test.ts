// The peer closes: DTLS close_notify arrives at once, then ICE consent fails. Chromium 156 shows
// "disconnected" at ~5 s and "failed" at ~15 s; Firefox ESR 153 at ~9 s and ~29 s (browsers.md).
import { expect } from '@esm-bundle/chai';
import { closeAll, makePair, negotiate, until } from '../helpers/loopback.js';
import { nativeState, record } from '../helpers/env.js';

afterEach(closeAll);

describe('peer leaves', function () {
  this.timeout(60000);

  it('the remaining peer goes connected → disconnected → failed, with the browser', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => pc1.connectionState === 'connected', 10000, 'connected');
    const native: string[] = [];
    const sampler = setInterval(() => {
      const n = nativeState(pc1);
      if (n && native[native.length - 1] !== n) native.push(n);
    }, 20);
    const t0 = performance.now();
    pc2.close();
    await until(() => pc1.connectionState === 'disconnected', 15000, 'disconnected');
    const tDisconnected = performance.now() - t0;
    await until(() => nativeState(pc1) === 'failed' && pc1.connectionState === 'failed', 40000, 'failed');
    await until(() => native[native.length - 1] === 'failed', 100, 'sampler');
    clearInterval(sampler);
    console.log(`peer left: disconnected at ${tDisconnected.toFixed(0)} ms, failed at ${(performance.now() - t0).toFixed(0)} ms; native ${native.join(' → ')}`);
    expect(r1.listener).to.deep.equal(['connecting', 'connected', 'disconnected', 'failed']);
    expect(r1.handler).to.deep.equal(r1.listener);
    expect(r1.trusted).to.equal(0);
    expect(native.slice(-2)).to.deep.equal(['disconnected', 'failed']);
  });
});
