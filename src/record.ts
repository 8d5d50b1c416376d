/**
 * One connection's record: what `connectionState` reads (`value`), what the last event announced
 * (`announced`), and what both are derived from. This file is the only writer of the two;
 * dispatch.ts decides when a record is refreshed and announced, and how an announcement reaches
 * the page. Records live in a WeakMap (registry.ts), never on the connection.
 */
import { derive, DTLS_FROM_ICE, type Derivation, type Sources } from './derive.js';
import { createReader, plan, stop, type Reader } from './prober/loop.js';
import { gatherSources } from './sources.js';
import { chromium, collectTransports, foldsDtlsIntoIce, unwatchAll, watchTransports, type TransportSet } from './transports.js';

/**
 * The record of one connection.
 * @shimOwn
 */
export interface ConnectionRecord {
  /** What `connectionState` reads. */
  value: RTCPeerConnectionState;
  /** The value the last event announced (or the first value seen): events fire on a difference. */
  announced?: RTCPeerConnectionState;
  /** Announcing a "connecting" that was passed unseen (see {@link announce}): the value stands. */
  passing?: boolean;
  /** The transports counted at the last refresh. */
  transports: TransportSet;
  /** The transports whose `statechange` we listen to, with `onTransport`. */
  watched: EventTarget[];
  onTransport: () => void;
  /** The connection's getStats() reads, and what they learnt (prober/). */
  reader: Reader;
  /** The last derivation (derive.ts): the value and why. */
  derived?: Derivation;
  /** The page handed `addIceCandidate()` a remote candidate that the browser took (see {@link takeCandidate}). */
  candidateTaken?: boolean;
  /** Both descriptions were seen set (sources.ts). */
  described?: boolean;
  /** `iceConnectionState` as of the last derivation (connection.ts `readState`). */
  seenIce?: RTCIceConnectionState;
}

export function isClosed(pc: RTCPeerConnection): boolean {
  // Firefox leaves its transports "connected" after close(); the signaling state is the one
  // value every browser sets to "closed" synchronously (webrtc-pc "close the connection").
  return pc.signalingState === 'closed';
}

/**
 * A new record for `pc`, derived now and announced as it is (a connection is first seen silently).
 * `onTransport` listens to its transports; `onRead` gets `pc` after each settled stats read.
 */
export function newRecord(pc: RTCPeerConnection, onTransport: () => void, onRead: (pc: RTCPeerConnection) => void): ConnectionRecord {
  // Fields not given here start out undefined (read as null or false).
  const rec: ConnectionRecord = { value: 'new', transports: { dtls: [], ice: [] }, watched: [], onTransport, reader: createReader(pc, onRead) };
  resume(pc, rec);
  return rec;
}

/** Brings a record nobody followed since up to date without announcing the past. */
export function resume(pc: RTCPeerConnection, rec: ConnectionRecord): void {
  refresh(pc, rec);
  rec.announced = rec.value;
}

/** The transports to count now: Chromium counts one that left the API until it closes (see below). */
function transportsOf(pc: RTCPeerConnection, rec: ConnectionRecord): TransportSet {
  // Firefox does not (measured: test/conformance bundle-owner-stopped, where Firefox's old
  // transport never reads "closed").
  return collectTransports(pc, chromium() ? rec.transports : undefined);
}

function sourcesOf(pc: RTCPeerConnection, rec: ConnectionRecord, set: TransportSet): Sources {
  const d = rec.derived;
  return gatherSources(pc, set, rec.value, d ? d.heldAs : null, !!rec.candidateTaken, rec.reader.learnt, rec.described);
}

/**
 * The derivation from what `pc` exposes now and what `rec` knows (its stats memory, the state it
 * holds, the candidates given). Writes nothing: the read path (connection.ts `readState`).
 */
export function derivedNow(pc: RTCPeerConnection, rec: ConnectionRecord): Derivation {
  return derive(sourcesOf(pc, rec, transportsOf(pc, rec)));
}

/** Re-reads every source and stores the new value; subscribes to new transports; plans reads. */
export function refresh(pc: RTCPeerConnection, rec: ConnectionRecord): void {
  // "closed" is final; it can precede the browser's own closing (connection.ts `closeSafely`).
  if (isClosed(pc) || rec.value === 'closed') return finish(rec);
  const set = (rec.transports = transportsOf(pc, rec));
  watchTransports(set, rec.watched, rec.onTransport);
  const s = sourcesOf(pc, rec, set);
  // As the sources read it: one read of the getter (in Firefox each costs ~4 µs in this flow).
  rec.seenIce = s.iceConnectionState;
  const d = (rec.derived = derive(s));
  if (s.described) rec.described = true;
  rec.value = d.value;
  plan(rec.reader, {
    need: d.need,
    valueConnected: d.value === 'connected',
    // A new phase (schedule.ts) whenever the need, the value or what the browser exposes changes;
    // but a "disconnected" that 76 on held for one read goes on in the same phase once it shows,
    // so that its reads stay timed from ICE's event (ICE fails 10 s after it: schedule.ts).
    phaseKey: (d.exposed === 'disconnected' && s.hidesIceFailure ? '' : d.need + d.value) + d.exposed + set.dtls.length,
    judgeIce: d.exposed === 'disconnected' || !!d.heldAs,
    iceHidden: !set.ice.length,
    dtlsInIce: s.dtlsInIce,
    upByIce: d.dtlsFrom === DTLS_FROM_ICE,
  });
}

/** No more events after close(): forget the transports, stop reading, and settle on "closed". */
export function finish(rec: ConnectionRecord): void {
  drop(rec);
  rec.transports = { dtls: [], ice: [] };
  rec.value = rec.announced = 'closed';
  // Chromium < 76 fires iceconnectionstatechange → "closed" after close() returns: our listeners
  // stay but see "closed" and stay silent (webrtc-pc: close() fires no connectionstatechange).
}

/** Stops everything the record started (the last `watch()` stopped, nothing installed). */
export function drop(rec: ConnectionRecord): void {
  unwatchAll(rec.watched, rec.onTransport);
  stop(rec.reader);
}

/**
 * Announces the value, by `say`, if it moved since the last announcement (never "closed": close()
 * fires nothing). `say` gets the value announced, which `connectionState` reads meanwhile.
 */
export function announce(pc: RTCPeerConnection, rec: ConnectionRecord, say: (pc: RTCPeerConnection, value: RTCPeerConnectionState) => void): void {
  const value = rec.value;
  if (value === rec.announced || value === 'closed') return;
  // Chromium < 75: ICE "connected" means the DTLS handshake is done too, so a connection seen
  // "new" (waiting for a remote candidate, derive.ts) went through "connecting" unseen: ICE
  // connected through a peer-reflexive candidate before a read showed it, or `watch()` could not
  // see `addIceCandidate()`. Native 74 reports it (test/old); so does the shim, first, reading
  // "connecting" during that announcement.
  if (rec.announced === 'new' && value === 'connected' && !rec.transports.ice.length && foldsDtlsIntoIce()) {
    rec.value = rec.announced = 'connecting';
    rec.passing = true;
    say(pc, 'connecting');
    rec.passing = false;
    if (rec.value !== 'connecting') return; // closed meanwhile
    rec.value = value;
  }
  rec.announced = value;
  say(pc, value);
}

/**
 * The browser took a remote candidate the page handed `addIceCandidate()` (connection.ts
 * `candidateGiven`). Returns whether it is the first: the record then needs a refresh.
 */
export function takeCandidate(rec: ConnectionRecord): boolean {
  if (rec.candidateTaken) return false;
  return (rec.candidateTaken = true);
}
