/**
 * The one derivation of a connection's state: from what the browser exposes at one moment and
 * what getStats() last said (the prober's memory), the value, the ICE and DTLS states the W3C
 * rules were given and where each came from, and what the stats path needs next. Pure: no
 * browser objects, no timers. connection.ts derives the value with it, and explain.ts explains
 * that same derivation, so the two cannot disagree.
 */
import { aggregateIceState, computeConnectionState } from './rules.js';
import type { Need } from './schedule.js';

/** What one moment exposes, and what the stats said. */
export interface Sources {
  /** The states of the ICE transports the browser lets us read (empty where it hides them). */
  iceTransports: readonly RTCIceTransportState[];
  iceConnectionState: RTCIceConnectionState;
  /** The states of the DTLS transports the browser exposes (empty where it hides them). */
  dtlsTransports: readonly string[];
  /** `getStats()` exists. */
  canStat: boolean;
  /** Both descriptions are set (before that there is no transport to ask the stats about). */
  described: boolean;
  /**
   * `iceConnectionState` folds in DTLS (Chromium < 75: Chromium's legacy stats, and no
   * RTCIceTransport at all): there, ICE "connected" or "completed" means DTLS is up too.
   */
  folds: boolean;
  /** The value before this moment. */
  previous: RTCPeerConnectionState;
  /** The ICE state standing in for a held "disconnected" (see {@link derive}), if any. */
  held: RTCIceConnectionState | null;
  /** The prober's memory (prober.ts): what the last reads said, null where not read. */
  stats: {
    ice: RTCIceConnectionState | null;
    dtls: readonly string[] | null;
    blind: boolean;
    legacy: boolean | null;
  };
}

/** Where the ICE state given to the rules came from. */
export type IceSource =
  | 'ice transports'
  | 'iceConnectionState'
  /** a folded "disconnected" held while the selected pair stays writable */
  | 'held'
  | 'getStats()';

/** Where the DTLS states given to the rules came from. */
export type DtlsSource = 'dtls transports' | 'getStats()' | 'iceConnectionState' | 'not seen yet' | 'none';

export interface Derivation {
  value: RTCPeerConnectionState;
  ice: RTCIceConnectionState;
  iceFrom: IceSource;
  dtls: string[];
  dtlsFrom: DtlsSource;
  /** What the stats path needs now (schedule.ts). */
  need: Need;
  /** The ICE state standing in for a held "disconnected" from now on, or null. */
  held: RTCIceConnectionState | null;
  /** The ICE state as exposed, before any stats. */
  exposed: RTCIceConnectionState;
}

/** Derives the (open) connection's state; "closed" is decided before, by the caller. */
export function derive(s: Sources): Derivation {
  const folded = !s.iceTransports.length;
  const exposed = folded ? s.iceConnectionState : aggregateIceState(s.iceTransports);
  let ice = exposed;
  let iceFrom: IceSource = folded ? 'iceConnectionState' : 'ice transports';
  const stats = s.stats;
  // Chromium < 75 folds DTLS into iceConnectionState (stats.ts): with no ICE transport to read, a
  // "disconnected" is held at the value before ("connected", or "connecting" as ICE "checking"
  // when the peer closed mid-handshake) until getStats() tells a peer's close_notify (pair still
  // writable) from a real loss of ICE consent. It never turns a "connecting" into "connected".
  let held: RTCIceConnectionState | null = null;
  let hold = false;
  if (ice === 'disconnected') {
    if (stats.ice) {
      // "connected" from the stats only ever answers a hold (prober.ts): the held state stands.
      held = s.held;
      ice = stats.ice === 'connected' && held ? held : stats.ice;
      iceFrom = stats.ice === 'connected' && held ? 'held' : 'getStats()';
    } else if (s.canStat && folded && (s.previous === 'connected' || s.previous === 'connecting') && stats.legacy !== false) {
      hold = true;
      ice = held = s.held || (s.previous === 'connected' ? 'connected' : 'checking');
      iceFrom = 'held';
    }
  }
  let dtls: string[] = s.dtlsTransports.slice();
  let dtlsFrom: DtlsSource = dtls.length ? 'dtls transports' : 'none';
  const dtlsFromStats = !dtls.length && !stats.blind && s.canStat && s.described;
  if (dtlsFromStats) {
    // No DTLS transport in sight: until getStats() has spoken, an ICE connection is not a DTLS
    // one (webrtc-adapter's mistake); hold "connecting" rather than report "connected" early.
    dtls = stats.dtls ? stats.dtls.slice() : ice === 'connected' || ice === 'completed' ? ['connecting'] : [];
    dtlsFrom = stats.dtls ? 'getStats()' : 'not seen yet';
    if (s.folds && (exposed === 'connected' || exposed === 'completed')) {
      dtls = ['connected'];
      dtlsFrom = 'iceConnectionState';
    }
  }
  const value = computeConnectionState({ closed: false, ice, dtls: dtls as RTCDtlsTransportState[] });
  let need: Need = 'none';
  if (!s.canStat) need = 'none';
  else if (hold || (held && stats.ice === 'connected')) need = 'held';
  else if (value === 'disconnected') need = 'disconnected';
  // A DTLS handshake takes a few round trips; past "connected", a few more reads: the side whose
  // own fingerprint check passed reports DTLS "connected" and then "failed" when the other side's
  // alert arrives (measured in both browsers); nothing but getStats() would show it here.
  else if (dtlsFromStats && (value === 'connecting' || value === 'connected')) need = 'dtls';
  return { value, ice, iceFrom, dtls, dtlsFrom, need, held, exposed };
}
