/**
 * What `getStats()` says about the transports: the last-resort source, read only while the
 * exposed states leave the answer open, because it is asynchronous and walks every stat.
 *
 * - Chromium (crbug 982793): after the peer goes away, `iceConnectionState` and even
 *   `RTCIceTransport.state` stay "disconnected" forever, while the transport entry's `iceState`
 *   turns "failed" when ICE consent expires (~15 s), when the native value turns "failed".
 * - Chromium < 72 exposes no DTLS transport at all, and Chromium 76 none for a data-channel-only
 *   connection (no `pc.sctp`); the transport entry's `dtlsState` is then the only DTLS signal
 *   (a wrong fingerprint leaves 71's `iceConnectionState` at "checking" forever).
 */

/** The states found in the connection's `type: 'transport'` stats entries. */
export interface StatsStates {
  ice: string[];
  dtls: string[];
}

export function readStatsStates(pc: RTCPeerConnection): Promise<StatsStates> {
  return pc.getStats().then((report) => {
    const out: StatsStates = { ice: [], dtls: [] };
    report.forEach((entry: { type: string; iceState?: string; dtlsState?: string }) => {
      if (entry.type !== 'transport') return;
      if (typeof entry.iceState === 'string') out.ice.push(entry.iceState);
      if (typeof entry.dtlsState === 'string') out.dtls.push(entry.dtlsState);
    });
    return out;
  });
}
