// What the recipe tests check in the page a harness recipe built: the shim ran first, and an app's
// own code sees the shim's values. Shared by wtr.test.ts and profile.test.ts.
import { expect } from '@esm-bundle/chai';
import { makePair, negotiate, sleep, until } from '../helpers/loopback.js';

/** The script's global API is there and installed, and `connectionState` is the shim's getter. */
export function expectShimInstalled(): void {
  const api = (window as unknown as { RTCConnectionStateShim?: { isInstalled(): boolean } }).RTCConnectionStateShim;
  expect(api, 'global API').to.be.an('object');
  expect(api!.isInstalled()).to.equal(true);
  const get = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState')!.get!;
  expect(Function.prototype.toString.call(get)).to.not.include('[native code]');
}

/**
 * One loopback connection as app code makes it: the value read in each `connectionstatechange`,
 * through a listener or the handler, and how many of those events were the browser's own.
 */
export async function appConnect(via: 'listener' | 'handler'): Promise<{ seen: string[]; trusted: number }> {
  const { pc1, pc2 } = makePair();
  const seen: string[] = [];
  let trusted = 0;
  const record = (e: Event) => {
    if (e.isTrusted) trusted++;
    seen.push(pc1.connectionState);
  };
  if (via === 'handler') pc1.onconnectionstatechange = record;
  else pc1.addEventListener('connectionstatechange', record);
  pc1.createDataChannel('x');
  await negotiate(pc1, pc2);
  await until(() => seen.length === 2, 10000, 'connected');
  await sleep(200);
  return { seen, trusted };
}
