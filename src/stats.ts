/**
 * What `getStats()` says about the transports: the last source, read only while the exposed
 * states are ambiguous, because it is asynchronous and costs a stats walk.
 *
 * Chromium (crbug 982793): after the peer goes away its `iceConnectionState` and even
 * `RTCIceTransport.state` stay "disconnected" forever, while the transport's stats entry
 * (`type: 'transport'`, `iceState`) turns "failed" when ICE consent expires (~15 s) — the very
 * moment its native `connectionState` turns "failed".
 */

/** The ICE states of the connection's transport stats entries (empty where none has one). */
export function readStatsIceStates(pc: RTCPeerConnection): Promise<string[]> {
  return pc.getStats().then((report) => {
    const states: string[] = [];
    report.forEach((entry: { type: string; iceState?: string }) => {
      if (entry.type === 'transport' && typeof entry.iceState === 'string') states.push(entry.iceState);
    });
    return states;
  });
}
