// The page's own code never defeats the shim: a page that replaced the constructor with a subclass
// or a wrapper function, a handler set before the shim arrived, another script that wrapped the
// shim's members after install. Against the untouched browser (api group: nothing loaded), each
// test sets the page up, loads the built classic script (or calls install()), and puts the page back.
import { expect } from '@esm-bundle/chai';
import { install, isInstalled, isSupported } from '../../dist/fn.js';
import { closeAll, makePair, negotiate, until } from '../helpers/loopback.js';

const KEY = Symbol.for('rtc-connection-state-shim');
const g = window as unknown as Record<string | symbol, unknown> & { RTCPeerConnection: typeof RTCPeerConnection };
const Native = RTCPeerConnection;
const proto = Native.prototype as unknown as Record<string, unknown>;
const saved = ['connectionState', 'onconnectionstatechange'].map((n) => [n, Object.getOwnPropertyDescriptor(proto, n)!] as const);
const nativeGet = saved[0][1].get!;
let loads = 0;

/** The built script as a page loads it: a classic script element (a fresh run each time). */
function loadScript(): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = `/dist/rtc-connection-state-shim.min.js?load=${++loads}`;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error('the script did not load'));
    document.head.appendChild(s);
  });
}

/** As a browser without connectionState: the accessors deleted (its events still fire, trusted). */
function deleteNative(): void {
  delete proto.connectionState;
  delete proto.onconnectionstatechange;
}

/** A pair made with whatever the page calls RTCPeerConnection now (makePair reads the global). */
function pair(PC: typeof RTCPeerConnection) {
  expect(g.RTCPeerConnection).to.equal(PC);
  const p = makePair();
  expect(p.pc1 instanceof Native).to.equal(true);
  return p;
}
const opened: RTCPeerConnection[] = [];

/** Each connectionstatechange page listeners get, with the value inside it; trusted ones flagged. */
function listen(pc: RTCPeerConnection): string[] {
  const seen: string[] = [];
  pc.addEventListener('connectionstatechange', (e) => seen.push((e.isTrusted ? 'trusted ' : '') + pc.connectionState));
  return seen;
}

async function connect(pc1: RTCPeerConnection, pc2: RTCPeerConnection): Promise<void> {
  pc1.createDataChannel('x');
  await negotiate(pc1, pc2);
  await until(() => nativeGet.call(pc1) === 'connected' && nativeGet.call(pc2) === 'connected', 10000, 'native connected');
  await until(() => pc1.connectionState === 'connected', 3000, 'connected');
}

afterEach(() => {
  closeAll();
  while (opened.length) opened.pop()!.close();
  const mark = g[KEY] as { uninstall(): void } | undefined;
  if (mark) mark.uninstall();
  g.RTCPeerConnection = Native;
  for (const [n, d] of saved) Object.defineProperty(proto, n, d);
});

describe('a page that replaced RTCPeerConnection', () => {
  const Subclass = class extends Native {};
  function Wrapper(this: unknown, config?: RTCConfiguration) {
    return new Native(config);
  }
  Wrapper.prototype = Native.prototype;
  const cases: Array<[string, typeof RTCPeerConnection]> = [
    ['a subclass (class extends RTCPeerConnection)', Subclass],
    ['a wrapper function sharing the prototype', Wrapper as unknown as typeof RTCPeerConnection],
  ];

  for (const [what, PC] of cases) {
    it(`${what}, native present: the script leaves the native value alone`, async () => {
      g.RTCPeerConnection = PC;
      await loadScript();
      expect(isInstalled(), 'installed').to.equal(false);
      expect(isSupported(), 'isSupported()').to.equal(true);
      expect(Object.getOwnPropertyDescriptor(proto, 'connectionState')!.get).to.equal(nativeGet);
      expect(Object.getOwnPropertyDescriptor(PC.prototype, 'connectionState')?.get ?? nativeGet).to.equal(nativeGet);
      const { pc1, pc2 } = pair(PC);
      const seen = listen(pc1);
      await connect(pc1, pc2);
      expect(seen.filter((s) => !s.startsWith('trusted')), 'events not from the browser').to.deep.equal([]);
    });

    it(`${what}, accessors deleted: the script stands in on the browser's prototype`, async () => {
      deleteNative();
      g.RTCPeerConnection = PC;
      await loadScript();
      expect(isInstalled(), 'installed').to.equal(true);
      expect(Object.getOwnPropertyDescriptor(proto, 'connectionState')!.get).to.not.equal(undefined);
      if (PC.prototype !== proto) expect(Object.getOwnPropertyDescriptor(PC.prototype, 'connectionState'), 'on the subclass').to.equal(undefined);
      const { pc1, pc2 } = pair(PC);
      const seen = listen(pc1);
      // A connection made with the browser's own constructor is covered too.
      const direct = new Native();
      opened.push(direct);
      expect(direct.connectionState).to.equal('new');
      await connect(pc1, pc2);
      expect(seen).to.deep.equal(['connecting', 'connected']);
    });
  }
});

describe('a handler set while no shim was there', () => {
  async function expectCalled(pc1: RTCPeerConnection, pc2: RTCPeerConnection, calls: string[]) {
    await connect(pc1, pc2);
    expect(calls).to.deep.equal(['connecting', 'connected']);
    expect(Object.getOwnPropertyNames(pc1), 'own properties left on the connection').to.deep.equal([]);
    expect(typeof pc1.onconnectionstatechange).to.equal('function');
  }

  it('before the script loads: it is called', async () => {
    deleteNative();
    const { pc1, pc2 } = pair(Native);
    const calls: string[] = [];
    pc1.onconnectionstatechange = () => calls.push(pc1.connectionState);
    expect(Object.getOwnPropertyNames(pc1), 'an own data property, as in an old browser').to.deep.equal(['onconnectionstatechange']);
    await loadScript();
    await expectCalled(pc1, pc2, calls);
  });

  it('before install(): it is called', async () => {
    deleteNative();
    const { pc1, pc2 } = pair(Native);
    const calls: string[] = [];
    pc1.onconnectionstatechange = () => calls.push(pc1.connectionState);
    expect(install().installed).to.equal(true);
    await expectCalled(pc1, pc2, calls);
  });

  it('after uninstall(), then install() again: it is called', async () => {
    deleteNative();
    const first = install();
    expect(first.installed).to.equal(true);
    const { pc1, pc2 } = pair(Native);
    expect(pc1.connectionState).to.equal('new'); // tracked under the first install
    first.uninstall();
    const calls: string[] = [];
    pc1.onconnectionstatechange = () => calls.push(pc1.connectionState);
    expect(install().installed).to.equal(true);
    await expectCalled(pc1, pc2, calls);
  });
});

describe('uninstall() and other scripts', () => {
  it('a wrapper another script put over the shim\'s members after install survives uninstall()', async () => {
    const original = Object.getOwnPropertyDescriptor(proto, 'setLocalDescription')!;
    const r = install({ force: true });
    expect(r.installed, r.reason).to.equal(true);
    const inner = proto.setLocalDescription as Function;
    const wrapper = function setLocalDescription(this: RTCPeerConnection) {
      return inner.apply(this, arguments as unknown as unknown[]);
    };
    proto.setLocalDescription = wrapper;
    r.uninstall();
    expect(proto.setLocalDescription, 'the other script\'s wrapper').to.equal(wrapper);
    // What was still the shim's is the browser's again.
    expect(Object.getOwnPropertyDescriptor(proto, 'connectionState')!.get).to.equal(nativeGet);
    expect(/\[native code\]/.test(Function.prototype.toString.call(proto.close))).to.equal(true);
    // And the wrapper still works, through the quiet shim beneath it.
    const { pc1, pc2 } = pair(Native);
    try {
      await connect(pc1, pc2);
      expect(pc1.connectionState).to.equal('connected');
    } finally {
      Object.defineProperty(proto, 'setLocalDescription', original);
    }
  });
});
