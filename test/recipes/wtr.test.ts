// The Web Test Runner recipe, as users write it: `testRunnerHtml: testRunnerHtml({ force: true })`
// from rtc-connection-state-shim/harness (group recipe-wtr). The page has no other set-up.
import { expect } from '@esm-bundle/chai';
import { closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';

afterEach(closeAll);

describe('recipe: Web Test Runner testRunnerHtml({ force: true })', () => {
  it('the shim ran before the test file, forced over the native value', () => {
    const api = (window as unknown as { RTCConnectionStateShim?: { isInstalled(): boolean } }).RTCConnectionStateShim;
    expect(api, 'global API').to.be.an('object');
    expect(api!.isInstalled()).to.equal(true);
    const get = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState')!.get!;
    expect(Function.prototype.toString.call(get)).to.not.include('[native code]');
  });

  it('a connection: exactly connecting → connected, one event each', async () => {
    const { pc1, pc2 } = makePair();
    const seen: string[] = [];
    let trusted = 0;
    pc1.addEventListener('connectionstatechange', (e) => {
      if (e.isTrusted) trusted++;
      seen.push(pc1.connectionState);
    });
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => seen.length === 2, 10000, 'connected');
    await sleep(200);
    expect(seen).to.deep.equal(['connecting', 'connected']);
    expect(trusted).to.equal(0);
  });
});
