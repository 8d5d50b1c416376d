/**
 * Which transports a connection has right now, as far as this browser lets us see them.
 *
 * Browsers expose three profiles (see docs/support.md):
 * - modern: DTLS transports on senders/receivers and `pc.sctp`, each with its RTCIceTransport state;
 * - DTLS only (Firefox 82–124, Chromium 72–75 behind a flag): DTLS transports, no readable ICE transport
 *   state, so the ICE part comes from `pc.iceConnectionState`;
 * - ICE only (Chromium < 72, Firefox < 82): nothing but `pc.iceConnectionState`.
 * This file only reads what it is handed; it knows nothing of installing or events.
 */
import { G } from './global.js';

/**
 * Whether this engine's `iceConnectionState` folds in DTLS: Chromium before 75 (measured in 64–74:
 * a wrong fingerprint keeps it at "checking", a peer's close_notify turns it "disconnected").
 * Chromium (it has `webkitRTCPeerConnection`, Firefox never did) without any RTCIceTransport, and
 * not 75: 75 exposes no more than 74 (no transport, no RTC interface it lacks), yet its
 * `iceConnectionState` is ICE's alone (measured in 75.0.3765: with a wrong fingerprint it says
 * "connected" while native `connectionState` says "failed"). Only its version tells them apart; a
 * user agent that names none is taken for an older engine.
 */
export function foldsDtlsIntoIce(): boolean {
  return chromium() && typeof G.RTCIceTransport !== 'function' && !(chromeVersion() > 74);
}

/**
 * Chromium from 76 never says "failed" in any ICE state (crbug 982793): its ICE states stay
 * "disconnected" when ICE fails, even outright (every pair gone at once: a TURN relay over TCP
 * killed), where 64–75 say "failed" (test/peers).
 */
export function hidesIceFailure(): boolean {
  return chromium() && chromeVersion() > 75;
}

/** The Chrome version the user agent names (NaN where none). */
function chromeVersion(): number {
  return +(/Chrome\/(\d+)/.exec(G.navigator.userAgent) || [])[1];
}

/** Chromium: it has `webkitRTCPeerConnection`, which Firefox never had. */
export function chromium(): boolean {
  return typeof G.webkitRTCPeerConnection === 'function';
}

/**
 * The remote description lists a candidate. Chromium adds each trickled candidate to it as
 * `addIceCandidate()` is called (measured in 71 and 74).
 */
export function remoteCandidates(pc: RTCPeerConnection): boolean {
  const d = pc.remoteDescription;
  return !!d && /\na=candidate:/.test(d.sdp);
}

/** The transports of one connection at one moment. */
export interface TransportSet {
  /** Every distinct DTLS transport (with BUNDLE they are all one object). */
  dtls: RTCDtlsTransport[];
  /** The distinct ICE transports whose `state` is readable; empty where the browser hides them. */
  ice: RTCIceTransport[];
}

function addOnce<T>(list: T[], item: T | null | undefined): void {
  if (item && !list.includes(item)) list.push(item);
}

/** The connection's transceivers; none where the browser has or allows none. */
export function transceiversOf(pc: RTCPeerConnection): RTCRtpTransceiver[] {
  try {
    // Chromium < 72 under plan-b throws from getTransceivers(); older browsers have none (a
    // TypeError here too). Neither has transports.
    return pc.getTransceivers();
  } catch (e) {
    return [];
  }
}

/**
 * Lists the connection's DTLS transports and the ICE transports beneath them. `seen`: the set
 * listed before; its DTLS transports that have not closed stay listed. A transport can leave the
 * API while alive: stop the transceiver that owns BUNDLE, and the old BUNDLE transport is
 * reachable from nothing, yet "connected" until it closes, and Chromium still counts it
 * (test/conformance `bundle-owner-stopped`; Firefox does not, so the caller passes none there).
 */
export function collectTransports(pc: RTCPeerConnection, seen?: TransportSet): TransportSet {
  const dtls: RTCDtlsTransport[] = [];
  const ice: RTCIceTransport[] = [];
  transceiversOf(pc).forEach((t) => {
    addOnce(dtls, t.sender.transport);
    addOnce(dtls, t.receiver.transport);
  });
  // Firefox < 113 and Chromium < 76 have no `sctp`: a data channel's transport is out of reach.
  const sctp = pc.sctp;
  if (sctp) addOnce(dtls, sctp.transport);
  if (seen) seen.dtls.forEach((t) => t.state !== 'closed' && addOnce(dtls, t));
  dtls.forEach((t) => {
    const iceTransport = t.iceTransport;
    // Firefox 82–124 has no `iceTransport`, Chromium 72–74 none with a `state`.
    if (iceTransport && typeof iceTransport.state === 'string') addOnce(ice, iceTransport);
  });
  return { dtls, ice };
}

/**
 * Listens for `statechange` on every transport in `set` not in `watched` yet, and adds it there.
 * A transport that leaves the set stays watched until {@link unwatchAll}: its change then only
 * re-derives the same value.
 */
export function watchTransports(set: TransportSet, watched: EventTarget[], onChange: () => void): void {
  (set.dtls as EventTarget[]).concat(set.ice).forEach((t) => {
    if (!watched.includes(t)) {
      watched.push(t);
      t.addEventListener('statechange', onChange);
    }
  });
}

/** Stops listening to every transport in `watched`, and empties it. */
export function unwatchAll(watched: EventTarget[], onChange: () => void): void {
  watched.splice(0).forEach((t) => t.removeEventListener('statechange', onChange));
}
