// The Web Test Runner recipe with a profile, as users write it:
// `testRunnerHtml: testRunnerHtml({ profile: 'no-ice-transports' })` (group recipe-wtr-profile).
// The page has no other set-up: the harness cut the browser down to Firefox 82–112's API first.
import { expect } from '@esm-bundle/chai';
import { closeAll } from '../helpers/loopback.js';
import { appConnect, expectShimInstalled } from './app.js';

afterEach(closeAll);

describe("recipe: Web Test Runner testRunnerHtml({ profile: 'no-ice-transports' })", () => {
  it('the profile was applied before the test file, and the shim installed without force', () => {
    expect('sctp' in RTCPeerConnection.prototype, 'pc.sctp').to.equal(false);
    expect('iceTransport' in RTCDtlsTransport.prototype, 'RTCDtlsTransport.iceTransport').to.equal(false);
    expect('state' in RTCIceTransport.prototype, 'RTCIceTransport.state').to.equal(false);
    expect('transport' in RTCRtpSender.prototype, 'RTCRtpSender.transport (kept)').to.equal(true);
    expectShimInstalled();
  });

  it("the app's own code sees the shim's values: connecting → connected", async () => {
    const { seen, trusted } = await appConnect('handler');
    expect(seen).to.deep.equal(['connecting', 'connected']);
    expect(trusted).to.equal(0);
  });
});
