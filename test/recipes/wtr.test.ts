// The Web Test Runner recipe, as users write it: `testRunnerHtml: testRunnerHtml({ force: true })`
// from rtc-connection-state-shim/harness (group recipe-wtr). The page has no other set-up.
import { expect } from '@esm-bundle/chai';
import { closeAll } from '../helpers/loopback.js';
import { appConnect, expectShimInstalled } from './app.js';

afterEach(closeAll);

describe('recipe: Web Test Runner testRunnerHtml({ force: true })', () => {
  it('the shim ran before the test file, forced over the native value', () => {
    expectShimInstalled();
  });

  it('a connection: exactly connecting → connected, one event each', async () => {
    const { seen, trusted } = await appConnect('listener');
    expect(seen).to.deep.equal(['connecting', 'connected']);
    expect(trusted).to.equal(0);
  });
});
