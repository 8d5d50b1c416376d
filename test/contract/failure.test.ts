import { expect } from '@esm-bundle/chai';
import { breakFingerprint, closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';
import { nativeState, record, shimmed } from '../helpers/env.js';

afterEach(closeAll);

describe('DTLS failure', () => {
  it('a wrong fingerprint gives "failed" on both peers while ICE stays up', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    const r2 = record(pc2);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2, { editAnswer: breakFingerprint });
    await until(() => pc1.connectionState === 'failed' && pc2.connectionState === 'failed', 15000, 'failed on both');
    await sleep(50);
    for (const [r, pc] of [[r1, pc1], [r2, pc2]] as const) {
      // The side whose own check passes may see "connected" before the peer's alert arrives:
      // both browsers do that natively too.
      expect(r.listener[r.listener.length - 1]).to.equal('failed');
      expect(r.listener[0]).to.equal('connecting');
      for (let i = 1; i < r.listener.length; i++) expect(r.listener[i]).to.not.equal(r.listener[i - 1]);
      expect(r.handler).to.deep.equal(r.listener);
      expect(r.trusted).to.equal(0);
      // ICE itself never failed: only the DTLS rule can have produced "failed".
      expect(pc.iceConnectionState).to.not.equal('failed');
      if (shimmed) {
        await until(() => nativeState(pc) === 'failed', 2000, 'native failed');
      }
    }
  });
});
