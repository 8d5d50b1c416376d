// install / uninstall / force / double install, against the untouched browser (which has a
// native connectionState: the oracle for the forced connection below).
import { expect } from '@esm-bundle/chai';
import { install, isInstalled, isSupported } from '../../dist/fn.js';
import { closeAll, makePair, negotiate, until } from '../helpers/loopback.js';

const proto = RTCPeerConnection.prototype as unknown as Record<string, unknown>;
const NAMES = Object.getOwnPropertyNames(proto);
const snapshot = () => NAMES.concat(Object.getOwnPropertyNames(proto).filter((n) => !NAMES.includes(n)))
  .map((n) => [n, Object.getOwnPropertyDescriptor(proto, n)] as const);
const KEY = Symbol.for('rtc-connection-state-shim');

afterEach(closeAll);

describe('install', () => {
  const before = snapshot();
  const nativeGet = Object.getOwnPropertyDescriptor(proto, 'connectionState')!.get!;
  const Native = RTCPeerConnection;

  it('reports the native implementation and does nothing without force', () => {
    expect(isSupported()).to.equal(true);
    expect(isInstalled()).to.equal(false);
    const r = install();
    expect(r.installed).to.equal(false);
    expect(r.reason).to.match(/native/);
    expect(snapshot()).to.deep.equal(before);
  });

  it('force: replaces the accessors with WebIDL-shaped ones, on the prototype only', () => {
    const r = install({ force: true });
    try {
      expect(r.installed, r.reason).to.equal(true);
      expect(isInstalled()).to.equal(true);
      expect(isSupported(), 'the shim is standing in').to.equal(false);
      expect((globalThis as Record<symbol, unknown>)[KEY]).to.be.an('object');
      const d = Object.getOwnPropertyDescriptor(proto, 'connectionState')!;
      expect(typeof d.get).to.equal('function');
      expect(d.set).to.equal(undefined);
      expect(d.enumerable && d.configurable).to.equal(true);
      const h = Object.getOwnPropertyDescriptor(proto, 'onconnectionstatechange')!;
      expect(typeof h.get === 'function' && typeof h.set === 'function' && h.enumerable && h.configurable).to.equal(true);
      expect(RTCPeerConnection).to.equal(Native);
      expect(RTCPeerConnection.name).to.equal('RTCPeerConnection');
      const pc = new RTCPeerConnection();
      expect(pc instanceof RTCPeerConnection).to.equal(true);
      expect(pc.connectionState).to.equal('new');
      pc.onconnectionstatechange = () => {};
      pc.addEventListener('connectionstatechange', () => {});
      expect(Object.getOwnPropertyNames(pc)).to.deep.equal([]);
      expect(Object.getOwnPropertySymbols(pc)).to.deep.equal([]);
      pc.close();
      for (const name of ['setLocalDescription', 'setRemoteDescription', 'createOffer', 'createAnswer', 'addIceCandidate', 'close', 'addEventListener']) {
        const fn = (proto[name] ?? (EventTarget.prototype as unknown as Record<string, Function>)[name]) as Function;
        const orig = before.find(([n]) => n === name)?.[1]?.value ?? (EventTarget.prototype as unknown as Record<string, Function>)[name];
        expect(fn.name, name).to.equal((orig as Function).name);
        expect(fn.length, name).to.equal((orig as Function).length);
      }
    } finally {
      r.uninstall();
    }
    expect(isInstalled()).to.equal(false);
  });

  it('uninstall restores the exact previous descriptors', () => {
    const r = install({ force: true });
    expect(r.installed).to.equal(true);
    expect(snapshot()).to.not.deep.equal(before);
    r.uninstall();
    expect(snapshot()).to.deep.equal(before);
    expect((globalThis as Record<symbol, unknown>)[KEY]).to.equal(undefined);
    r.uninstall(); // twice is harmless
    expect(snapshot()).to.deep.equal(before);
  });

  it('a second install (another copy, forced or not) is a no-op', () => {
    const first = install({ force: true });
    try {
      const mid = snapshot();
      const second = install({ force: true });
      expect(second.installed).to.equal(false);
      expect(second.reason).to.match(/already installed/);
      second.uninstall(); // must not undo the first
      expect(snapshot()).to.deep.equal(mid);
      expect(isInstalled()).to.equal(true);
    } finally {
      first.uninstall();
    }
  });

  it('after uninstall() a handler set through the shim is never called again, and reads null', async () => {
    const { pc1, pc2 } = makePair();
    const r = install({ force: true });
    const calls: string[] = [];
    pc1.onconnectionstatechange = () => calls.push(nativeGet.call(pc1));
    r.uninstall();
    // The browser's own accessors are back: its handler slot is empty, and its events (trusted)
    // must not reach the callback given to the shim.
    expect(pc1.onconnectionstatechange).to.equal(null);
    const native: string[] = [];
    pc1.addEventListener('connectionstatechange', () => native.push(pc1.connectionState));
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => native.includes('connected'), 10000, 'native connected');
    expect(calls).to.deep.equal([]);
  });

  it('install() again after uninstall(): live connections are tracked afresh, one event per change', async function () {
    this.timeout(40000);
    const { pc1, pc2 } = makePair();
    let r = install({ force: true });
    const seen: Array<[string, boolean]> = [];
    try {
      pc1.addEventListener('connectionstatechange', (e) => seen.push([pc1.connectionState, e.isTrusted]));
      pc1.createDataChannel('x');
      await negotiate(pc1, pc2);
      await until(() => pc1.connectionState === 'connected', 10000, 'connected');
      // The getter can read "connected" before the shim's event for it, which a DTLS change queues
      // in a task of its own: wait for the event, or it would land after the reinstall below.
      await until(() => seen.some(([state]) => state === 'connected'), 2000, 'the shim\'s "connected" event');
      // Chromium's own value follows a task later.
      await until(() => nativeGet.call(pc1) === 'connected', 2000, 'native connected');
      r.uninstall();
      r = install({ force: true });
      expect(r.installed, r.reason).to.equal(true);
      expect(pc1.connectionState).to.equal(nativeGet.call(pc1));
      seen.length = 0;
      // The next change comes from the second install alone: once, and the shim's (untrusted).
      pc2.close();
      await until(() => pc1.connectionState === 'disconnected', 30000, 'disconnected');
      await until(() => nativeGet.call(pc1) === 'disconnected', 2000, 'native disconnected');
      await new Promise((done) => setTimeout(done, 100));
      expect(seen).to.deep.equal([['disconnected', false]]);
    } finally {
      r.uninstall();
    }
  });

  it('force on a live connection: one event per change, the shim\'s, agreeing with native', async () => {
    // Created before install: tracked from its next negotiation call.
    const { pc1, pc2 } = makePair();
    const r = install({ force: true });
    try {
      const seen: Array<[string, boolean, string]> = [];
      pc1.addEventListener('connectionstatechange', (e) => seen.push([pc1.connectionState, e.isTrusted, nativeGet.call(pc1)]));
      pc1.createDataChannel('x');
      await negotiate(pc1, pc2);
      await until(() => seen.length >= 2, 10000, 'two events');
      await until(() => nativeGet.call(pc1) === 'connected', 2000, 'native connected');
      expect(seen.map((s) => s[0])).to.deep.equal(['connecting', 'connected']);
      expect(seen.every((s) => s[1] === false), 'only untrusted (shim) events').to.equal(true);
    } finally {
      r.uninstall();
    }
    // After uninstall the native attribute is back on the same connection.
    expect(pc1.connectionState).to.equal(nativeGet.call(pc1));
  });
});
