import { expect } from '@esm-bundle/chai';
import { closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';
import { nativeState, record, shimmed } from '../helpers/env.js';

afterEach(closeAll);

describe('local close()', () => {
  it('"closed" at once and no event, after connecting', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => r1.listener.length === 2, 10000, 'connected event');
    pc1.close();
    expect(pc1.connectionState).to.equal('closed');
    // Firefox keeps its transports "connected" after close(); nothing may follow from them.
    await sleep(300);
    expect(pc1.connectionState).to.equal('closed');
    expect(r1.listener).to.deep.equal(['connecting', 'connected']);
    expect(r1.handler).to.deep.equal(['connecting', 'connected']);
    if (shimmed) expect(nativeState(pc1)).to.equal('closed');
  });

  it('"closed" at once and no event, while connecting', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    pc1.close();
    expect(pc1.connectionState).to.equal('closed');
    await sleep(300);
    expect(r1.listener.includes('closed')).to.equal(false);
    expect(pc1.connectionState).to.equal('closed');
  });

  it('"closed" on a connection that never negotiated; close() twice is harmless', async () => {
    const pc = new RTCPeerConnection();
    const r = record(pc);
    pc.close();
    pc.close();
    expect(pc.connectionState).to.equal('closed');
    await sleep(50);
    expect(r.listener).to.deep.equal([]);
  });
});
