// webrtc-adapter on the same page, loaded before or after the shim (groups adapter-before and
// adapter-after; the real adapter build as a classic script, native accessors deleted first).
import { expect } from '@esm-bundle/chai';
import { breakFingerprint, closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';
import { nativeState, record } from '../helpers/env.js';

interface Env { adapter: 'before' | 'after'; adapterGetter?: () => string; shimGetter?: () => string }
const env = (window as unknown as { __shimTest: Env }).__shimTest;
const api = (window as unknown as { RTCConnectionStateShim: { isInstalled(): boolean } }).RTCConnectionStateShim;
const adapter = (window as unknown as { adapter?: { browserDetails: { browser: string } } }).adapter;

afterEach(closeAll);

describe(`webrtc-adapter loaded ${env.adapter} the shim`, () => {
  it('adapter is on the page; connectionState is the shim\'s', () => {
    expect(adapter, 'window.adapter').to.be.an('object');
    expect(api.isInstalled()).to.equal(true);
    const get = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState')!.get;
    if (env.adapter === 'before') {
      expect(env.adapterGetter, 'adapter defined its own ICE-only getter first').to.be.a('function');
      expect(get).to.not.equal(env.adapterGetter, 'the shim took over');
    } else {
      expect(get).to.equal(env.shimGetter, 'adapter found connectionState and left it alone');
    }
  });

  it('connect: exactly connecting → connected, through listeners and the handler', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    const r2 = record(pc2);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => nativeState(pc1) === 'connected' && nativeState(pc2) === 'connected', 10000, 'native connected');
    await sleep(200);
    expect(r1.listener).to.deep.equal(['connecting', 'connected']);
    expect(r2.listener).to.deep.equal(['connecting', 'connected']);
    expect(r1.handler).to.deep.equal(r1.listener);
    expect(r1.trusted + r2.trusted).to.equal(0);
  });

  it('DTLS failure: "failed" on both (adapter alone reports "connected"), one event per change', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    const r2 = record(pc2);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2, { editAnswer: breakFingerprint });
    await until(() => nativeState(pc1) === 'failed' && nativeState(pc2) === 'failed', 10000, 'native failed');
    await sleep(300);
    expect(pc1.connectionState).to.equal('failed');
    expect(pc2.connectionState).to.equal('failed');
    for (const r of [r1, r2]) {
      expect(r.listener[r.listener.length - 1]).to.equal('failed');
      for (let i = 1; i < r.listener.length; i++) expect(r.listener[i]).to.not.equal(r.listener[i - 1], 'duplicate event');
      expect(r.handler).to.deep.equal(r.listener);
    }
  });

  it('local close(): "closed", no event', async () => {
    const { pc1, pc2 } = makePair();
    const r1 = record(pc1);
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => r1.listener.length === 2, 10000, 'connected');
    pc1.close();
    await sleep(300);
    expect(pc1.connectionState).to.equal('closed');
    expect(r1.listener).to.deep.equal(['connecting', 'connected']);
  });
});
