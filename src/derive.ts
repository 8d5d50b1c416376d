/**
 * The one derivation of a connection's state: from what the browser exposes at one moment and
 * what getStats() last said (the prober's memory), the value, the ICE and DTLS states the W3C
 * rules were given and where each came from, and what the stats path needs next. Pure: no
 * browser objects, no timers. record.ts derives the value with it, and explain.ts explains
 * that same derivation, so the two cannot disagree.
 */
import { aggregateIceState, computeConnectionState } from './rules.js';
import type { Need } from './schedule.js';
import type { StatsMemory } from './prober/memory.js';

/**
 * What one moment exposes, and what the stats said (sources.ts gathers it).
 * @shimOwn
 */
export interface Sources {
  /** The states of the ICE transports the browser lets us read (empty where it hides them). */
  iceTransports: readonly RTCIceTransportState[];
  iceConnectionState: RTCIceConnectionState;
  /** The states of the DTLS transports the browser exposes (empty where it hides them). */
  dtlsTransports: readonly string[];
  /** `getStats()` exists. */
  canStat: boolean;
  /**
   * Both descriptions are set (before that there is no transport to ask the stats about); asked
   * only where no DTLS transport is exposed (false elsewhere).
   */
  described: boolean;
  /**
   * `iceConnectionState` folds in DTLS (Chromium < 75: Chromium's legacy stats, and no
   * RTCIceTransport at all): there, ICE "connected" or "completed" means DTLS is up too.
   */
  dtlsInIce: boolean;
  /**
   * The engine hides ICE's failure behind "disconnected" (Chromium ≥ 76: crbug 982793, stats.ts),
   * which only getStats() tells apart.
   */
  hidesIceFailure: boolean;
  /**
   * A remote candidate is known: the page handed one to `addIceCandidate()`, or the remote
   * description lists one. A peer-reflexive one shows only in the stats: a transport in use, so
   * DTLS "connecting" below.
   */
  remoteKnown: boolean;
  /** The value before this moment. */
  previous: RTCPeerConnectionState;
  /** The ICE state standing in for a held "disconnected" (see {@link derive}), if any. */
  heldAs: RTCIceConnectionState | null;
  /** The stats memory (prober/memory.ts): what the last reads said, undefined where not read. */
  learnt: Pick<StatsMemory, 'ice' | 'dtls' | 'blind' | 'consentPairs'>;
}

/**
 * Where the ICE state given to the rules came from, as a code (explain.ts names them; the
 * self-installing script carries no names): the ICE transports; `iceConnectionState`; a folded
 * "disconnected" held while the selected pair stays writable; `iceConnectionState` "checking"
 * (Chromium < 75) while no remote candidate is known; `getStats()`.
 */
export const ICE_TRANSPORTS = 0, ICE_CONNECTION_STATE = 1, HELD = 2, NO_REMOTE_CANDIDATE = 3, ICE_STATS = 4;
export type IceSourceCode = 0 | 1 | 2 | 3 | 4;

/**
 * Where the DTLS states given to the rules came from, as a code: the DTLS transports; `getStats()`;
 * `iceConnectionState` (where it folds in DTLS); not seen yet (ICE is up, the stats have not
 * spoken); none (no DTLS transport exposed, and no stats to ask).
 */
export const DTLS_TRANSPORTS = 0, DTLS_STATS = 1, DTLS_FROM_ICE = 2, NOT_SEEN = 3, NO_DTLS = 4;
export type DtlsSourceCode = 0 | 1 | 2 | 3 | 4;

export interface Derivation {
  value: RTCPeerConnectionState;
  ice: RTCIceConnectionState;
  iceFrom: IceSourceCode;
  dtls: readonly string[];
  dtlsFrom: DtlsSourceCode;
  /** What the stats path needs now (schedule.ts). */
  need: Need;
  /** The ICE state standing in for a held "disconnected" from now on, or null. */
  heldAs: RTCIceConnectionState | null;
  /** The ICE state as exposed, before any stats. */
  exposed: RTCIceConnectionState;
}

/** Derives the (open) connection's state; "closed" is decided before, by the caller. */
export function derive(s: Sources): Derivation {
  const folded = !s.iceTransports.length;
  const exposed = folded ? s.iceConnectionState : aggregateIceState(s.iceTransports);
  let ice = exposed;
  let iceFrom: IceSourceCode = folded ? ICE_CONNECTION_STATE : ICE_TRANSPORTS;
  const stats = s.learnt;
  // Chromium < 75 folds DTLS into iceConnectionState (stats.ts): there (it has no ICE transport
  // to read), a "disconnected" is held at the value before ("connected", or "connecting" as ICE
  // "checking" when the peer closed mid-handshake) until getStats() tells a peer's close_notify
  // (pair still writable) from a real loss of ICE consent. It never turns a "connecting" into
  // "connected". In 71 the same close_notify can also turn it "checking" a millisecond after that
  // "disconnected", and leave it there until ICE fails (test/old "peer closes": 1 of 20 runs in a
  // full old-build repeat): a hold under way goes on through it, so the loss of consent still
  // shows as "disconnected". Chromium 76 does not fold: its "disconnected" is ICE's own (consent
  // lost) and is not held as "connected" by a writable pair (held so, the first read still saw the
  // pair writable, and the value trailed native by 0.5 s). But Chromium ≥ 76 says "disconnected"
  // where ICE has failed outright, all its pairs gone at once (a TURN relay over TCP killed:
  // native "connected → failed", its ICE states "disconnected", test/peers): there a
  // "disconnected" after "connected" is held only until the first read says whether ICE failed
  // (50 ms in: schedule.ts `ownIce`; stats.ts `iceFromStats`), so the value skips it as native does.
  let heldAs: RTCIceConnectionState | null = null;
  if (ice === 'disconnected' || (ice === 'checking' && s.heldAs)) {
    if (stats.ice) {
      // "connected" from the stats only ever answers a hold (stats.ts `iceFromStats`): the held state stands.
      heldAs = s.heldAs;
      ice = stats.ice === 'connected' && heldAs ? heldAs : stats.ice;
      iceFrom = stats.ice === 'connected' && heldAs ? HELD : ICE_STATS;
    } else if (s.canStat && (s.dtlsInIce ? (s.previous === 'connected' || s.previous === 'connecting') && stats.consentPairs !== false : s.hidesIceFailure && s.previous === 'connected')) {
      ice = heldAs = s.heldAs || (s.previous === 'connected' ? 'connected' : 'checking');
      iceFrom = HELD;
    }
  }
  // Chromium < 75 says "checking" as soon as both descriptions are set, before any remote
  // candidate; its ICE transport is "new" then, and so is native 74's value (webrtc-pc: ICE "new"
  // while waiting for remote candidates). Measured in 71 and 74: no a=candidate in the remote
  // description and no candidate pair in the stats until the first one arrives.
  const waiting = s.dtlsInIce && exposed === 'checking' && !s.remoteKnown;
  if (waiting) {
    ice = 'new';
    iceFrom = NO_REMOTE_CANDIDATE;
  }
  let dtls = s.dtlsTransports;
  let dtlsFrom: DtlsSourceCode = dtls.length ? DTLS_TRANSPORTS : NO_DTLS;
  const dtlsFromStats = !dtls.length && !stats.blind && s.canStat && s.described;
  if (dtlsFromStats) {
    // No DTLS transport in sight: until getStats() has spoken, an ICE connection is not a DTLS
    // one (webrtc-adapter's mistake); hold "connecting" rather than report "connected" early.
    dtls = stats.dtls ? stats.dtls : ice === 'connected' || ice === 'completed' ? ['connecting'] : [];
    dtlsFrom = stats.dtls ? DTLS_STATS : NOT_SEEN;
    if (s.dtlsInIce && (exposed === 'connected' || exposed === 'completed')) {
      dtls = ['connected'];
      dtlsFrom = DTLS_FROM_ICE;
    }
  }
  const value = computeConnectionState({ closed: false, ice, dtls: dtls as RTCDtlsTransportState[] });
  // A held "disconnected" is read until the stats answer it (and while they say "connected": the
  // held state stands); a "disconnected" until ICE fails or comes back.
  // A DTLS handshake takes a few round trips; past "connected", a few more reads: the side whose
  // own fingerprint check passed reports DTLS "connected" and then "failed" when the other side's
  // alert arrives (measured in both browsers); nothing but getStats() would show it here.
  // While waiting for remote candidates, the reads look for a peer-reflexive one: a transport
  // in use, whose DTLS then reads "connecting" (measured in 71: one-way trickle).
  const need: Need = !s.canStat ? 'none'
    : heldAs && (!stats.ice || stats.ice === 'connected') ? 'held'
    : value === 'disconnected' ? 'disconnected'
    : dtlsFromStats && (value === 'connecting' || value === 'connected' || waiting) ? 'dtls'
    : 'none';
  return { value, ice, iceFrom, dtls, dtlsFrom, need, heldAs, exposed };
}
