import { expect } from '@esm-bundle/chai';
import { closeAll, makePair, negotiate, syntheticTracks, unbundle, until } from '../helpers/loopback.js';
import { nativeState, record, shimmed } from '../helpers/env.js';

afterEach(closeAll);

function expectOneEventPerChange(seq: string[]) {
  for (let i = 1; i < seq.length; i++) expect(seq[i], `repeat at ${i} in ${seq}`).to.not.equal(seq[i - 1]);
}

describe('connect', () => {
  it('starts "new", before and after a data channel is created', () => {
    const { pc1 } = makePair();
    expect(pc1.connectionState).to.equal('new');
    pc1.createDataChannel('x');
    expect(pc1.connectionState).to.equal('new');
  });

  it('data channel: exactly connecting → connected on both peers', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    const r2 = record(pc2);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => pc1.connectionState === 'connected' && pc2.connectionState === 'connected', 10000, 'connected');
    await until(() => r1.listener.length >= 2 && r2.listener.length >= 2, 2000, 'both events');
    for (const r of [r1, r2]) {
      expect(r.listener).to.deep.equal(['connecting', 'connected']);
      expect(r.handler).to.deep.equal(['connecting', 'connected']);
      expect(r.trusted, 'native events reaching page listeners').to.equal(0);
    }
    if (shimmed) {
      await until(() => nativeState(pc1) === 'connected' && nativeState(pc2) === 'connected', 2000, 'native connected');
    }
  });

  for (const bundle of [true, false]) {
    it(`audio + video + data ${bundle ? 'with BUNDLE' : 'without BUNDLE (a transport each)'}`, async () => {
      const { pc1, pc2 } = makePair(bundle ? undefined : { bundlePolicy: 'max-compat' });
      const media = syntheticTracks();
      try {
        const r1 = record(pc1);
        const r2 = record(pc2);
        const stream = new MediaStream([media.audio, media.video]);
        pc1.addTrack(media.audio, stream);
        pc1.addTrack(media.video, stream);
        pc1.createDataChannel('x');
        await negotiate(pc1, pc2, bundle ? {} : { editOffer: unbundle });
        await until(() => pc1.connectionState === 'connected' && pc2.connectionState === 'connected', 10000, 'connected');
        await until(() => r1.listener.length >= 2 && r2.listener.length >= 2, 2000, 'events');
        expect(r1.listener).to.deep.equal(['connecting', 'connected']);
        expect(r2.listener).to.deep.equal(['connecting', 'connected']);
        expectOneEventPerChange(r1.handler);
        if (shimmed) {
          await until(() => nativeState(pc1) === 'connected', 2000, 'native connected');
        }
      } finally {
        media.stop();
      }
    });
  }
});
