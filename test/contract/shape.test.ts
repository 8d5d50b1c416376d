import { expect } from '@esm-bundle/chai';
import { mode, shimmed } from '../helpers/env.js';

describe('shape', () => {
  it('accessors on RTCPeerConnection.prototype have the WebIDL shape', () => {
    const proto = RTCPeerConnection.prototype;
    const d = Object.getOwnPropertyDescriptor(proto, 'connectionState')!;
    expect(typeof d.get).to.equal('function');
    expect(d.set).to.equal(undefined);
    expect(d.enumerable).to.equal(true);
    expect(d.configurable).to.equal(true);
    const h = Object.getOwnPropertyDescriptor(proto, 'onconnectionstatechange')!;
    expect(typeof h.get).to.equal('function');
    expect(typeof h.set).to.equal('function');
    expect(h.enumerable).to.equal(true);
    expect(h.configurable).to.equal(true);
    expect('connectionState' in proto).to.equal(true);
  });

  it('the constructor, its name, length, statics and instanceof stay native', () => {
    expect(Function.prototype.toString.call(RTCPeerConnection)).to.match(/\[native code\]/);
    expect(RTCPeerConnection.name).to.equal('RTCPeerConnection');
    expect(RTCPeerConnection.length).to.equal(0);
    expect(typeof RTCPeerConnection.generateCertificate).to.equal('function');
    const pc = new RTCPeerConnection();
    expect(pc instanceof RTCPeerConnection).to.equal(true);
    expect(Object.getPrototypeOf(pc)).to.equal(RTCPeerConnection.prototype);
    pc.close();
  });

  it('no own properties appear on connections', () => {
    const pc = new RTCPeerConnection();
    pc.onconnectionstatechange = () => {};
    pc.addEventListener('connectionstatechange', () => {});
    pc.addEventListener('iceconnectionstatechange', () => {});
    void pc.connectionState;
    pc.createDataChannel('x');
    expect(Object.getOwnPropertyNames(pc)).to.deep.equal([]);
    expect(Object.getOwnPropertySymbols(pc)).to.deep.equal([]);
    pc.close();
  });

  it('the shim is installed exactly when the group loads it', () => {
    const key = Symbol.for('rtc-connection-state-shim');
    expect(!!(globalThis as Record<symbol, unknown>)[key], mode).to.equal(shimmed);
    if (mode === 'script' || mode === 'double') {
      const api = (window as unknown as { RTCConnectionStateShim?: { isInstalled(): boolean } }).RTCConnectionStateShim;
      expect(api && api.isInstalled()).to.equal(true);
    }
  });
});
