/**
 * Gathers what one moment of a connection exposes, with what its stats said, into the
 * {@link Sources} that derive.ts derives the state from. One function for the record's value
 * (record.ts) and for explain() alike, so the two read the same things the same way.
 */
import type { Sources } from './derive.js';
import { foldsDtlsIntoIce, hidesIceFailure, remoteCandidates, type TransportSet } from './transports.js';

/**
 * The sources of `pc` now: its transports `set` (transports.ts), and what its record knows beyond
 * what `pc` exposes (explain() without a record: "new", no hold, no candidate, one stats read).
 * `candidateTaken`: the page handed `addIceCandidate()` a remote candidate that the browser took.
 * `described`: both descriptions were seen set before (they stay set: a rollback only undoes a first
 * offer, before the other side's description).
 */
export function gatherSources(
  pc: RTCPeerConnection,
  set: TransportSet,
  previous: RTCPeerConnectionState,
  heldAs: RTCIceConnectionState | null,
  candidateTaken: boolean,
  learnt: Sources['learnt'],
  described?: boolean,
): Sources {
  // Where no ICE transport is readable, iceConnectionState stands for ICE, and in Chromium < 75 it
  // folds in DTLS too.
  const dtlsInIce = !set.ice.length && foldsDtlsIntoIce();
  return {
    iceTransports: set.ice.map((t) => t.state),
    iceConnectionState: pc.iceConnectionState,
    dtlsTransports: set.dtls.map((t) => t.state),
    canStat: typeof pc.getStats === 'function',
    // Only asked where no DTLS transport is exposed, the one place derive.ts needs it, and until
    // seen: in Firefox each read of a description builds a new object (~40 µs in ESR 153).
    described: !set.dtls.length && (!!described || (!!pc.localDescription && !!pc.remoteDescription)),
    dtlsInIce,
    hidesIceFailure: hidesIceFailure(),
    // Whether ICE knows a remote candidate (derive.ts): only asked where DTLS is folded in.
    remoteKnown: !dtlsInIce || candidateTaken || remoteCandidates(pc),
    previous,
    heldAs,
    learnt,
  };
}
