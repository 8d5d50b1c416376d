// The Web Test Runner recipe with a profile, as users write it:
// `testRunnerHtml: testRunnerHtml({ profile: 'no-ice-transports' })` (group recipe-wtr-profile).
// The page has no other set-up: the harness cut the browser down to Firefox 82–112's API first.
import { expect } from '@esm-bundle/chai';
import { closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';

afterEach(closeAll);

describe("recipe: Web Test Runner testRunnerHtml({ profile: 'no-ice-transports' })", () => {
  it('the profile was applied before the test file, and the shim installed without force', () => {
    expect('sctp' in RTCPeerConnection.prototype, 'pc.sctp').to.equal(false);
    expect('iceTransport' in RTCDtlsTransport.prototype, 'RTCDtlsTransport.iceTransport').to.equal(false);
    expect('state' in RTCIceTransport.prototype, 'RTCIceTransport.state').to.equal(false);
    expect('transport' in RTCRtpSender.prototype, 'RTCRtpSender.transport (kept)').to.equal(true);
    const api = (window as unknown as { RTCConnectionStateShim?: { isInstalled(): boolean } }).RTCConnectionStateShim;
    expect(api!.isInstalled()).to.equal(true);
    const get = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState')!.get!;
    expect(Function.prototype.toString.call(get)).to.not.include('[native code]');
  });

  it("the app's own code sees the shim's values: connecting → connected", async () => {
    const { pc1, pc2 } = makePair();
    const seen: string[] = [];
    let trusted = 0;
    pc1.onconnectionstatechange = (e) => {
      if (e.isTrusted) trusted++;
      seen.push(pc1.connectionState);
    };
    pc1.createDataChannel('x');
    await negotiate(pc1, pc2);
    await until(() => seen.length === 2, 10000, 'connected');
    await sleep(200);
    expect(seen).to.deep.equal(['connecting', 'connected']);
    expect(trusted).to.equal(0);
  });
});
