// Where there is no RTCPeerConnection (Node, SSR, workers), loading the shim does nothing and
// throws nothing: the ES module entries, and the classic script run in a bare global scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const KEY = Symbol.for('rtc-connection-state-shim');

test('importing the self-installing entry in Node installs nothing', async () => {
  const api = await import('../../dist/index.js');
  assert.equal(api.isInstalled(), false);
  assert.equal(api.isSupported(), false);
  assert.equal(globalThis[KEY], undefined);
  const r = api.install({ force: true });
  assert.equal(r.installed, false);
  assert.match(r.reason, /no RTCPeerConnection/);
  r.uninstall();
});

test('the side-effect-free entry computes without a browser', async () => {
  const fn = await import('../../dist/fn.js');
  assert.equal(fn.computeConnectionState({ closed: false, ice: 'connected', dtls: ['connecting'] }), 'connecting');
  assert.equal(fn.aggregateIceState(['connected', 'completed']), 'connected');
});

test('the classic script in a bare global scope (worker-like, no RTCPeerConnection) does nothing and throws nothing', () => {
  const code = readFileSync(new URL('../../dist/rtc-connection-state-shim.min.js', import.meta.url), 'utf8');
  const context = vm.createContext({});
  vm.runInContext(code, context);
  assert.equal(vm.runInContext('JSON.stringify(Object.getOwnPropertyNames(globalThis).filter((n) => /RTC/.test(n)))', context), '[]');
  assert.equal(vm.runInContext('Object.getOwnPropertySymbols(globalThis).length', context), 0);
});

test('an RTCPeerConnection without iceConnectionState: install says why and changes nothing', () => {
  const code = readFileSync(new URL('../../dist/rtc-connection-state-shim.min.js', import.meta.url), 'utf8');
  function RTCPeerConnection() {}
  const context = vm.createContext({ RTCPeerConnection });
  vm.runInContext(code, context);
  const api = vm.runInContext('globalThis.RTCConnectionStateShim', context);
  assert.equal(api.isInstalled(), false);
  assert.match(api.install().reason, /no iceConnectionState/);
  assert.deepEqual(Object.getOwnPropertyNames(RTCPeerConnection.prototype), ['constructor']);
});

test('a frozen prototype: install says why and never throws', () => {
  const code = readFileSync(new URL('../../dist/rtc-connection-state-shim.min.js', import.meta.url), 'utf8');
  function RTCPeerConnection() {}
  Object.defineProperty(RTCPeerConnection.prototype, 'iceConnectionState', { get() { return 'new'; }, configurable: true });
  Object.freeze(RTCPeerConnection.prototype);
  const context = vm.createContext({ RTCPeerConnection, EventTarget });
  vm.runInContext(code, context);
  const api = vm.runInContext('globalThis.RTCConnectionStateShim', context);
  assert.equal(api.isInstalled(), false);
  assert.match(api.install().reason, /not configurable|not extensible/);
});
