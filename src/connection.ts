/**
 * One tracked connection: the current value, the value last announced by an event, and the
 * subscriptions that keep both up to date. Per-connection state lives in a WeakMap, never on the
 * connection object.
 */
import { aggregateIceState, computeConnectionState } from './rules.js';
import { collectTransports, sameTransports, watchTransports, type TransportSet } from './transports.js';
import { fireStateChange, listen, queueTask, stopForeignEvent, unlisten } from './events.js';
import { iceFromStats, readStatsStates } from './stats.js';

/** How often getStats() is read while "disconnected" (see stats.ts): failure takes ~15 s. */
const POLL_DISCONNECTED_MS = 1000;
/** How often while a folded "disconnected" is held at "connected" (stats.ts): native 74 is ~5.5 s. */
const POLL_HELD_MS = 500;
/** How often, at most, while ICE checks and no DTLS transport is visible: a DTLS failure shows only there. */
const POLL_CHECKING_MS = 250;
/** The first of those reads, doubling from there. */
const POLL_FIRST_MS = 8;
/** Reads in all (connecting, then connected) before the stats path rests: 8 ms … 250 ms, ~0.75 s. */
const SETTLE_READS = 8;

interface Tracked {
  /** What `connectionState` reads. */
  value: RTCPeerConnectionState;
  /** The value the last event announced (or the first value seen): events fire on a difference. */
  announced: RTCPeerConnectionState;
  transports: TransportSet;
  unwatch: () => void;
  /** Between our first and our last `iceconnectionstatechange` listener of one dispatch. */
  inIceDispatch: boolean;
  /** A listener was added during that dispatch; move our last listener behind it afterwards. */
  moveLast: boolean;
  tail: () => void;
  /**
   * While the exposed ICE state is "disconnected": what getStats() says ICE really is (see
   * `iceFromStats`), or null until it has been read.
   */
  statsIce: RTCIceConnectionState | null;
  /** The pending getStats() poll, if any. */
  poll: ReturnType<typeof setTimeout> | 0;
  /** DTLS states from getStats(), for a connection whose DTLS transports are not exposed. */
  statsDtls: string[] | null;
  /** getStats() has no DTLS state here: rely on what is exposed, as before. */
  statsBlind: boolean;
  /** The last stats read showed legacy Chromium stats (stats.ts), false if not; null before. */
  legacy: boolean | null;
  /** Stats reads while connecting and just after (see SETTLE_READS): the interval doubles with each. */
  backoff: number;
}

const records = new WeakMap<RTCPeerConnection, Tracked>();
/** Cleared by uninstall: listeners left on live connections then do nothing. */
let active = false;

/** Turns the tracking machinery on (install) or off (uninstall). */
export function setActive(on: boolean): void {
  active = on;
}

function isClosed(pc: RTCPeerConnection): boolean {
  // Firefox leaves its transports "connected" after close(); the signaling state is the one
  // value every browser sets to "closed" synchronously (webrtc-pc "close the connection").
  return pc.signalingState === 'closed';
}

/**
 * The ICE state as the browser exposes it. Where ICE transports are readable they are the source:
 * Chromium's own iceConnectionState is a legacy value that never reaches "failed".
 */
function exposedIce(pc: RTCPeerConnection, transports: TransportSet): RTCIceConnectionState {
  return transports.ice.length ? aggregateIceState(transports.ice.map((t) => t.state)) : pc.iceConnectionState;
}

/** Re-reads every source and stores the new value; subscribes to new transports. */
function refresh(pc: RTCPeerConnection, rec: Tracked): void {
  if (isClosed(pc)) {
    finish(rec);
    return;
  }
  const transports = collectTransports(pc);
  if (!sameTransports(transports, rec.transports)) {
    rec.unwatch();
    rec.transports = transports;
    rec.unwatch = watchTransports(transports, () => onTransportChange(pc));
  }
  let ice = exposedIce(pc, transports);
  const canStat = typeof pc.getStats === 'function';
  // Chromium < 75 folds DTLS into iceConnectionState (see stats.ts): with no ICE transport to
  // read, a "disconnected" is held at "connected" until getStats() tells a peer's close_notify
  // (pair still writable) from a real loss of ICE consent.
  let hold = false;
  if (ice !== 'disconnected') rec.statsIce = null;
  else if (rec.statsIce) ice = rec.statsIce;
  else if (canStat && !transports.ice.length && rec.value === 'connected' && rec.legacy !== false) hold = true;
  if (hold) ice = 'connected';
  let dtls: readonly string[] = transports.dtls.map((t) => t.state);
  const dtlsFromStats = !dtls.length && !rec.statsBlind && canStat &&
    !!pc.localDescription && !!pc.remoteDescription;
  if (dtlsFromStats) {
    // No DTLS transport in sight: until getStats() has spoken, an ICE connection is not a DTLS
    // one (webrtc-adapter's mistake); hold "connecting" rather than report "connected" early.
    dtls = rec.statsDtls || (ice === 'connected' || ice === 'completed' ? ['connecting'] : []);
  }
  rec.value = computeConnectionState({ closed: false, ice, dtls: dtls as RTCDtlsTransportState[] });
  let delay = -1;
  if (hold) delay = 0;
  else if (rec.statsIce === 'connected') delay = POLL_HELD_MS;
  else if (rec.value === 'disconnected') delay = POLL_DISCONNECTED_MS;
  else if (dtlsFromStats && (rec.value === 'connecting' || (rec.value === 'connected' && rec.backoff < SETTLE_READS))) {
    // A DTLS handshake takes a few round trips: read soon, then back off to POLL_CHECKING_MS.
    // Past "connected", a few more reads: the side whose own fingerprint check passed reports
    // DTLS "connected" and then "failed" when the other side's alert arrives (measured in both
    // browsers); nothing but getStats() would show it here.
    delay = rec.statsDtls ? Math.min(POLL_CHECKING_MS, POLL_FIRST_MS << rec.backoff) : 0;
  }
  if (rec.value !== 'connecting' && rec.value !== 'connected') rec.backoff = 0;
  schedulePoll(pc, rec, delay);
}

/** Reads getStats() after `delay` ms (negative: stop polling). One poll at a time. */
function schedulePoll(pc: RTCPeerConnection, rec: Tracked, delay: number): void {
  if (delay < 0 || typeof pc.getStats !== 'function') {
    if (rec.poll) clearTimeout(rec.poll);
    rec.poll = 0;
    return;
  }
  if (rec.poll) return;
  rec.poll = setTimeout(() => {
    readStatsStates(pc).then((states) => {
      rec.poll = 0;
      rec.statsIce = exposedIce(pc, rec.transports) === 'disconnected' ? iceFromStats(states, !rec.transports.ice.length) : null;
      rec.legacy = states.legacy;
      if (rec.backoff < SETTLE_READS) rec.backoff++;
      if (states.dtls.length) rec.statsDtls = states.dtls;
      else rec.statsBlind = true;
      update(pc);
    }, () => {
      rec.poll = 0;
    });
  }, delay);
}

/** Fires one event if the value moved since the last announcement. */
function announce(pc: RTCPeerConnection, rec: Tracked): void {
  if (rec.value === rec.announced || rec.value === 'closed') return;
  rec.announced = rec.value;
  fireStateChange(pc);
}

function update(pc: RTCPeerConnection): void {
  const rec = records.get(pc);
  if (!active || !rec || rec.value === 'closed') return;
  refresh(pc, rec);
  announce(pc, rec);
}

/**
 * A transport's `statechange`. For DTLS, webrtc-pc queues the connection-state update in a new
 * task. For ICE, the spec fires the transport's event, then `iceconnectionstatechange`, then
 * `connectionstatechange` in one task: when the ICE change moves `iceConnectionState`, the
 * `iceconnectionstatechange` listeners below handle it in that task, and this queued task then
 * finds nothing left to do.
 */
function onTransportChange(pc: RTCPeerConnection): void {
  queueTask(() => update(pc));
}

/** No more events after close(): forget the transports and settle on "closed". */
function finish(rec: Tracked): void {
  if (rec.poll) clearTimeout(rec.poll);
  rec.poll = 0;
  rec.unwatch();
  rec.unwatch = noop;
  rec.transports = { dtls: [], ice: [] };
  rec.value = rec.announced = 'closed';
  // Chromium < 76 fires iceconnectionstatechange → "closed" after close() returns: our listeners
  // stay but see "closed" and stay silent (webrtc-pc: close() fires no connectionstatechange).
}

function noop(): void {}

/**
 * Starts tracking `pc` (idempotent) and returns its record. Our listeners go first where order
 * matters: the native-event filter, and the `iceconnectionstatechange` listener that updates the
 * value before page listeners read it (webrtc-pc sets every state before firing any event).
 */
function track(pc: RTCPeerConnection): Tracked {
  const known = records.get(pc);
  if (known) return known;
  const rec: Tracked = {
    value: 'new',
    announced: 'new',
    transports: { dtls: [], ice: [] },
    unwatch: noop,
    inIceDispatch: false,
    moveLast: false,
    statsIce: null,
    poll: 0,
    statsDtls: null,
    statsBlind: false,
    legacy: null,
    backoff: 0,
    tail() {
      // Last `iceconnectionstatechange` listener: every page listener and handler has run, so
      // the connection-state event fires now, in the same task, in the spec's order.
      rec.inIceDispatch = false;
      update(pc);
      if (rec.moveLast) {
        rec.moveLast = false;
        keepLast(pc);
      }
    },
  };
  records.set(pc, rec);
  listen(pc, 'connectionstatechange', function guard(event: Event) {
    // The browser's own events (trusted), and events another script dispatches from inside an
    // ICE event before ours: webrtc-adapter's ICE-only shim does that (issue: "adapter loaded
    // first"), and a page must see exactly one event per change.
    if (active && (event.isTrusted || rec.inIceDispatch)) stopForeignEvent(event);
  }, true);
  listen(pc, 'iceconnectionstatechange', function head() {
    if (!active || rec.value === 'closed') return;
    rec.inIceDispatch = true;
    refresh(pc, rec);
  }, true);
  listen(pc, 'signalingstatechange', () => update(pc));
  listen(pc, 'iceconnectionstatechange', rec.tail);
  refresh(pc, rec);
  rec.announced = rec.value;
  return rec;
}

/** Starts tracking a connection (from a negotiation call, a listener, or a read). */
export function ensureTracked(pc: RTCPeerConnection): void {
  if (active && !isClosed(pc)) track(pc);
}

/** The value `connectionState` reads. */
export function readState(pc: RTCPeerConnection): RTCPeerConnectionState {
  if (isClosed(pc)) {
    const rec = records.get(pc);
    if (rec && rec.value !== 'closed') finish(rec);
    return 'closed';
  }
  return track(pc).value;
}

/** After close(): drop the transport subscriptions at once. */
export function closed(pc: RTCPeerConnection): void {
  const rec = records.get(pc);
  if (rec && isClosed(pc)) finish(rec);
}

/**
 * Keeps our last `iceconnectionstatechange` listener behind every page listener and handler,
 * so the connection-state event follows them all. Called after a page adds one.
 */
export function keepLast(pc: RTCPeerConnection): void {
  const rec = records.get(pc);
  if (!rec) return;
  if (rec.inIceDispatch) {
    // Re-adding during a dispatch would skip us for this event; do it when we run.
    rec.moveLast = true;
    return;
  }
  unlisten(pc, 'iceconnectionstatechange', rec.tail);
  listen(pc, 'iceconnectionstatechange', rec.tail);
}
