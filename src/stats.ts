/**
 * What `getStats()` says about the transports: the last-resort source, read only while the
 * exposed states leave the answer open, because it is asynchronous and walks every stat.
 *
 * - Chromium (crbug 982793): after the peer goes away, `iceConnectionState` and even
 *   `RTCIceTransport.state` stay "disconnected" forever, while the transport entry's `iceState`
 *   turns "failed" when ICE consent expires (~15 s), when the native value turns "failed".
 *   Chromium 76 has no `iceState` there; its transport entry loses its selected candidate pair at
 *   that same moment instead (measured: both at 15.0–15.5 s after the peer closed).
 * - Chromium < 72 exposes no DTLS transport at all, and Chromium 76 none for a data-channel-only
 *   connection (no `pc.sctp`); the transport entry's `dtlsState` is then the only DTLS signal
 *   (a wrong fingerprint leaves 71's `iceConnectionState` at "checking" forever).
 * - Chromium < 75 folds DTLS into `iceConnectionState`: the peer's DTLS close_notify turns it
 *   "disconnected" at once, while ICE itself still has consent. The selected candidate pair stays
 *   `writable` until consent expires (~5.5 s), when native 74 reports "disconnected".
 *   Only Chromium's pairs count here: Firefox (153, measured) keeps `writable` true after consent
 *   is lost, so a pair must carry Chromium's `consentRequestsSent` and no `iceState` beside it.
 */

/** The states found in the connection's `type: 'transport'` stats entries. */
export interface StatsStates {
  /** `iceState` of each transport entry (absent before Chromium ~80 and in Firefox). */
  ice: string[];
  dtls: string[];
  /** Transport entries seen. */
  transports: number;
  /** Transport entries with a selected candidate pair. */
  selected: number;
  /** Selected candidate pairs that are still writable (ICE consent holds). */
  writable: number;
  /**
   * Chromium before `iceState` was reported (< ~80): its selected pairs' `writable` follows ICE
   * consent, and its iceConnectionState may fold in DTLS (< 75).
   */
  legacy: boolean;
}

interface Entry {
  type: string;
  id: string;
  iceState?: string;
  dtlsState?: string;
  selectedCandidatePairId?: string;
  writable?: boolean;
  consentRequestsSent?: number;
}

export function readStatsStates(pc: RTCPeerConnection): Promise<StatsStates> {
  return pc.getStats().then((report) => {
    const out: StatsStates = { ice: [], dtls: [], transports: 0, selected: 0, writable: 0, legacy: false };
    const pairs: string[] = [];
    const writable: string[] = [];
    let consent = false;
    report.forEach((entry: Entry) => {
      if (entry.type === 'candidate-pair') {
        if (entry.writable === true) writable.push(entry.id);
        if (typeof entry.consentRequestsSent === 'number') consent = true;
      }
      if (entry.type !== 'transport') return;
      out.transports++;
      if (typeof entry.iceState === 'string') out.ice.push(entry.iceState);
      if (typeof entry.dtlsState === 'string') out.dtls.push(entry.dtlsState);
      if (entry.selectedCandidatePairId) pairs.push(entry.selectedCandidatePairId);
    });
    out.selected = pairs.length;
    for (let i = 0; i < pairs.length; i++) if (writable.indexOf(pairs[i]) >= 0) out.writable++;
    out.legacy = consent && !out.ice.length;
    return out;
  });
}

/**
 * What ICE really is, by the stats, while the exposed ICE state says "disconnected".
 * `folded`: that exposed state is `iceConnectionState` with no ICE transport beside it, which in
 * Chromium < 75 also reflects DTLS; only then does a writable pair overrule it.
 */
export function iceFromStats(s: StatsStates, folded: boolean): RTCIceConnectionState {
  if (s.ice.indexOf('failed') >= 0) return 'failed';
  if (!s.ice.length && s.transports && !s.selected) return 'failed';
  if (folded && s.legacy && s.transports && s.writable === s.transports) return 'connected';
  return 'disconnected';
}
