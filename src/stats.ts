/**
 * What `getStats()` says about the transports: the last-resort source, read only while the
 * exposed states leave the answer open (schedule.ts), by one read loop per connection (prober/loop.ts).
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
 * - Chromium's legacy callback form `getStats(callback)` (until ~M117) carries the same pair and
 *   selected-pair facts (`googCandidatePair.googWritable`, `googComponent.selectedCandidatePairId`)
 *   and shows DTLS up (`dtlsCipher`), but has no DTLS state: it cannot tell a handshake in
 *   progress from a failed one. See prober/loop.ts for why it is read at all.
 */

/**
 * The states found in one stats report.
 * @shimOwn
 */
export interface StatsStates {
  /** `iceState` of each transport entry (absent before Chromium ~80 and in Firefox). */
  ice: string[];
  /**
   * `dtlsState` of each transport entry. From the legacy form, one per transport in use:
   * "connected" where DTLS is up, "?" where ICE works (the selected pair is writable and readable)
   * but DTLS is not up, a handshake under way or a failed one (only the promise form tells which),
   * and "" where neither.
   */
  dtls: string[];
  /** Transport entries seen. */
  transports: number;
  /** Transport entries with a selected candidate pair. */
  selectedPairs: number;
  /** Selected candidate pairs that are still writable (ICE consent holds). */
  writablePairs: number;
  /** Candidate pairs listed at all (checks under way count: an ICE restart's). */
  pairs: number;
  /** The id of the transport behind each entry of `dtls`. */
  ids: string[];
  /**
   * When the browser gathered the report (ms since the epoch; its newest entry), where it says so. The legacy form
   * answers from a snapshot up to ~50 ms old: Chromium gathers it anew only if the last one is
   * older than that (measured in 71 and 74 with reads 4 ms apart: the same `timestamp`, 0–11 ms
   * old, and right after ICE connected a report without the transport at all).
   */
  gathered?: number;
  /**
   * The legacy form's round-trip time of the selected (active) candidate pair (`googRtt`, ms),
   * where it says one: what a DTLS handshake over it takes a few of.
   */
  pairRtt?: number;
  /**
   * Consent pairs: Chromium before `iceState` was reported (< ~80), whose selected pairs'
   * `writable` follows ICE consent (and whose iceConnectionState may fold in DTLS: < 75).
   */
  consentPairs: boolean;
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

function empty(consentPairs: boolean): StatsStates {
  return { ice: [], dtls: [], transports: 0, selectedPairs: 0, writablePairs: 0, pairs: 0, ids: [], consentPairs };
}

function countWritable(out: StatsStates, pairs: string[], writable: string[]): void {
  out.selectedPairs = pairs.length;
  for (let i = 0; i < pairs.length; i++) if (writable.includes(pairs[i])) out.writablePairs++;
}

/** The promise form: the standard `transport` and `candidate-pair` entries. */
export function readStatsStates(pc: RTCPeerConnection): Promise<StatsStates> {
  return pc.getStats().then((report) => {
    const out = empty(false);
    const pairs: string[] = [];
    const writable: string[] = [];
    let consent = false;
    report.forEach((entry: Entry) => {
      if (entry.type === 'candidate-pair') {
        out.pairs++;
        if (entry.writable === true) writable.push(entry.id);
        if (typeof entry.consentRequestsSent === 'number') consent = true;
      }
      if (entry.type !== 'transport') return;
      out.transports++;
      if (typeof entry.iceState === 'string') out.ice.push(entry.iceState);
      if (typeof entry.dtlsState === 'string') {
        out.dtls.push(entry.dtlsState);
        out.ids.push(entry.id);
      }
      if (entry.selectedCandidatePairId) pairs.push(entry.selectedCandidatePairId);
    });
    countWritable(out, pairs, writable);
    out.consentPairs = consent && !out.ice.length;
    return out;
  });
}

/** One report of the legacy callback form (Chromium's RTCLegacyStatsReport). */
interface LegacyReport {
  type: string;
  id: string;
  timestamp: Date;
  stat(name: string): string;
}

/**
 * The legacy callback form, `getStats(callback)`. Resolves with the states, or rejects where the
 * browser has no such form (Firefox, Chromium ≥ ~117 reject a function as the selector).
 */
export function readLegacyStates(pc: RTCPeerConnection): Promise<StatsStates> {
  return new Promise((resolve, reject) => {
    const result = (pc.getStats as unknown as (cb: (r: { result(): LegacyReport[] }) => void) => unknown)(
      (response) => {
        const out = empty(true);
        const pairs: string[] = [];
        const writable: string[] = [];
        const readable: string[] = [];
        /** The selected pair of each transport in `out.dtls`. */
        const pairOf: string[] = [];
        response.result().forEach((r) => {
          if (r.type === 'googCandidatePair') {
            out.pairs++;
            if (r.stat('googWritable') === 'true') writable.push(r.id);
            if (r.stat('googReadable') === 'true') readable.push(r.id);
            // The selected pair's round trip (one pair per transport is active; with BUNDLE one).
            if (r.stat('googActiveConnection') === 'true') out.pairRtt = +r.stat('googRtt') || 0;
          } else if (r.type === 'googComponent') {
            out.transports++;
            // The newest entry's time: a transport BUNDLE dropped keeps the time of its last
            // gathering for good (64–76 against Janus, audio + video + data: the report lists
            // three, two frozen since the answer). Judged by it, every read of a "disconnected"
            // looked older than it: 64–74 never showed the loss of consent behind a held one,
            // and 76 never found ICE failed (memory.ts `learn`; test/peers).
            out.gathered = Math.max(out.gathered || 0, +r.timestamp);
            const pair = r.stat('selectedCandidatePairId');
            // DTLS is up where it negotiated a cipher (71, 74, 76: always beside the remote
            // certificate once connected). The certificate alone comes mid-handshake: 76, a peer
            // that closed before its last flight, showed it in 11 of 30 pairs left "connecting".
            const up = r.stat('dtlsCipher');
            if (pair) pairs.push(pair);
            // The offerer keeps listing the transports BUNDLE dropped (no pair, no DTLS, measured
            // in 71): only a transport in use says anything about DTLS.
            if (pair || up) {
              out.dtls.push(up ? 'connected' : '');
              out.ids.push(r.id);
              pairOf.push(pair);
            }
          }
        });
        countWritable(out, pairs, writable);
        // Not up, over a pair that works both ways: a handshake under way, or a failed one.
        out.dtls = out.dtls.map((d, i) => d || (writable.includes(pairOf[i]) && readable.includes(pairOf[i]) ? '?' : ''));
        resolve(out);
      },
    ) as Promise<unknown> | undefined;
    if (result && typeof result.then === 'function') result.then(undefined, reject);
  });
}

/**
 * What ICE really is, by the stats, while the exposed ICE state says "disconnected".
 * `held`: that state is a "disconnected" that Chromium < 75 folded in from DTLS, held at the value
 * before; only then does a writable selected pair overrule it. `folds`: the engine folds DTLS into
 * iceConnectionState (Chromium < 75), whose own "failed" then comes in time: a transport entry
 * without a selected pair means "failed" only where it does not (76: the pair is dropped when
 * native fails), since 71's legacy report can list one without it for a moment. `early`: the
 * "disconnected" has just begun (derive.ts holds it for this read): there, only where no pair is
 * left at all (a TURN relay over TCP gone), since an ICE restart also drops the selected pair while
 * its new checks run (76 said "disconnected" for 65–160 ms then: test/peers); native 76 fails ICE
 * ~10 s into a "disconnected" with its pairs still listed.
 */
export function iceFromStats(s: StatsStates, held: boolean, folds: boolean, early?: boolean): RTCIceConnectionState {
  if (s.ice.includes('failed')) return 'failed';
  if (held) return s.consentPairs && s.selectedPairs && s.writablePairs === s.selectedPairs ? 'connected' : 'disconnected';
  if (!folds && !s.ice.length && s.transports && !s.selectedPairs && !(early && s.pairs)) return 'failed';
  return 'disconnected';
}
