// The shim's own main-thread time per connection, for `npm run bench` (test/bench/bench.test.ts).
import { install } from '../../dist/fn.js';
import { closeAll, makePair, negotiate, sleep, until } from '../helpers/loopback.js';
import { instrument, instrumentInstalled, shimTime } from './shim-time.js';

const nativeGet = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState')!.get!;
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/**
 * The shim's own main-thread time per connection (shim-time.ts): connect a data channel,
 * renegotiate with an audio transceiver, let the settle reads run, close. With every transport
 * readable (modern, forced), then cut down as Chrome < 72 (harness profile `no-transports`), where
 * the getStats() path runs. Changes the page for good: run last.
 */
export async function mainThread(pairs = 20) {
  instrument();
  const measure = async (profile: string) => {
    const r = install({ force: true });
    if (!r.installed) throw new Error(r.reason);
    const restore = instrumentInstalled();
    const before = shimTime();
    try {
      for (let i = 0; i < pairs; i++) {
        const { pc1, pc2 } = makePair();
        const seen: string[] = [];
        pc1.addEventListener('connectionstatechange', () => seen.push(pc1.connectionState));
        pc1.createDataChannel('x');
        await negotiate(pc1, pc2);
        await until(() => pc1.connectionState === 'connected' && pc2.connectionState === 'connected', 10000, 'connected');
        pc1.addTransceiver('audio');
        await negotiate(pc1, pc2);
        await until(() => nativeGet.call(pc1) === 'connected' && pc1.connectionState === 'connected', 10000, 'connected again');
        await sleep(1000); // the settle reads after "connected" (~0.75 s where DTLS is hidden)
        closeAll();
      }
    } finally {
      restore();
      r.uninstall();
    }
    const after = shimTime();
    const connections = pairs * 2;
    return {
      profile,
      connections,
      msPerConnection: round((after.ms - before.ms) / connections, 3),
      entriesPerConnection: round((after.entries - before.entries) / connections, 1),
    };
  };
  const out = [await measure('modern')];
  // Harness profile `no-transports` (src/harness.ts PROFILES), as in Chrome < 72.
  for (const [i, p] of [['RTCPeerConnection', 'sctp'], ['RTCDtlsTransport', 'iceTransport'], ['RTCIceTransport', 'state'],
    ['RTCRtpSender', 'transport'], ['RTCRtpReceiver', 'transport']]) {
    delete ((window as unknown as Record<string, { prototype: Record<string, unknown> }>)[i].prototype)[p];
  }
  out.push(await measure('no-transports'));
  return out;
}

