/**
 * One tracked connection: the current value, the value last announced by an event, and the
 * subscriptions that keep both up to date. Per-connection state lives in a WeakMap, never on the
 * connection object.
 */
import { derive, DTLS_FROM_ICE, type Derivation } from './derive.js';
import { chromium, collectTransports, folding, remoteCandidates, unwatchAll, watchTransports, type TransportSet } from './transports.js';
import { adoptHandler, fireStateChange, forgetHandlers, listen, queueTask, stopForeignEvent, unlisten } from './events.js';
import { createProber, deferClose, markUp, newEra, plan, stop, type Prober } from './prober.js';

interface Tracked {
  /** What `connectionState` reads. */
  value: RTCPeerConnectionState;
  /** The value the last event announced (or the first value seen): events fire on a difference. */
  announced?: RTCPeerConnectionState;
  transports: TransportSet;
  /** The transports whose `statechange` we listen to, with `changed`. */
  watched: EventTarget[];
  changed: () => void;
  /**
   * The `iceconnectionstatechange` event our first listener saw: while it is being dispatched
   * (`eventPhase` not NONE), we are inside it, whether or not a page listener stops it before our
   * last listener runs.
   */
  iceEvent?: Event;
  /** A listener was added during that dispatch; move our last listener behind it afterwards. */
  moveLast?: boolean;
  tail: () => void;
  /** The connection's getStats() reads and what they said (prober.ts). */
  probe: Prober;
  /** The last derivation (derive.ts): the value and why. */
  derived?: Derivation;
  /** The page has handed `addIceCandidate()` a remote candidate (see {@link candidateGiven}). */
  given?: boolean;
  /** The ponyfill's callbacks (`watch()`): each gets every announced change. */
  watchers: Array<(state: RTCPeerConnectionState) => void>;
  /** Removes the listeners `track` added. */
  off: () => void;
  /** Announcing a "connecting" that was passed unseen (see `announce`): the value stands. */
  passing?: boolean;
  /** The install it was last used under (see `generation`). */
  gen?: number;
  /** `iceConnectionState` as of the last derivation (see `readState`). */
  seenIce?: RTCIceConnectionState;
}

const records = new WeakMap<RTCPeerConnection, Tracked>();
/** Cleared by uninstall: listeners left on live connections then do nothing. */
let active = false;
/** Counts installs: a record first used under a new one adopts a handler set meanwhile. */
let generation = 0;

/**
 * Turns the tracking machinery on (install) or off (uninstall). Off: the listeners left on live
 * connections do nothing, the installed shim's reads stop (prober.ts `newEra`), and handlers set
 * through the shim are forgotten; connections a `watch()` follows go on. On again: each record
 * comes back at its next use, re-derived, and its prober reads again, with what its reads had learnt.
 */
export function setActive(on: boolean): void {
  active = on;
  if (on) generation++;
  else {
    newEra();
    forgetHandlers();
  }
}

/** The shim is installed or `watch()` follows `pc`, and `rec` is the record of `pc`. */
function live(pc: RTCPeerConnection, rec: Tracked): boolean {
  return (active || rec.watchers.length > 0) && records.get(pc) === rec;
}

/** Inside the dispatch of the ICE event our first listener saw. */
function inIce(rec: Tracked): boolean {
  return !!rec.iceEvent && rec.iceEvent.eventPhase !== 0;
}

function isClosed(pc: RTCPeerConnection): boolean {
  // Firefox leaves its transports "connected" after close(); the signaling state is the one
  // value every browser sets to "closed" synchronously (webrtc-pc "close the connection").
  return pc.signalingState === 'closed';
}

/**
 * The derivation from what `pc` exposes now and what `rec` knows (its stats memory, the state it
 * holds, the candidates given). Writes nothing.
 */
function derivation(pc: RTCPeerConnection, rec: Tracked, transports: TransportSet): Derivation {
  const folds = !transports.ice.length && folding();
  return derive({
    iceTransports: transports.ice.map((t) => t.state),
    iceConnectionState: pc.iceConnectionState,
    dtlsTransports: transports.dtls.map((t) => t.state),
    canStat: typeof pc.getStats === 'function',
    described: !!pc.localDescription && !!pc.remoteDescription,
    folds,
    // Whether ICE knows a remote candidate (derive.ts): only asked where the engine folds.
    remote: !folds || rec.given || remoteCandidates(pc),
    previous: rec.value,
    // The ICE state standing in for a held "disconnected" (derive.ts), from the last derivation.
    held: rec.derived ? rec.derived.held : null,
    stats: rec.probe,
  });
}

/** The transports to count now: Chromium counts one that left the API until it closes (see below). */
function transportsOf(pc: RTCPeerConnection, rec: Tracked): TransportSet {
  // Firefox does not (measured: test/conformance bundle-owner-stopped, where Firefox's old
  // transport never reads "closed").
  return collectTransports(pc, chromium() ? rec.transports : undefined);
}

/** Re-reads every source and stores the new value; subscribes to new transports; plans reads. */
function refresh(pc: RTCPeerConnection, rec: Tracked): void {
  // "closed" is final; it can precede the browser's own closing (see `closeSafely`).
  if (isClosed(pc) || rec.value === 'closed') {
    finish(rec);
    return;
  }
  const transports = (rec.transports = transportsOf(pc, rec));
  watchTransports(transports, rec.watched, rec.changed);
  const stats = rec.probe;
  rec.seenIce = pc.iceConnectionState;
  const d = (rec.derived = derivation(pc, rec, transports));
  stats.folds = !transports.ice.length && folding();
  rec.value = d.value;
  // Where ICE "connected" said DTLS is up, remember it as the stats would: a close_notify later
  // takes DTLS down again, and that is "closed", not "connecting".
  if (d.dtlsFrom === DTLS_FROM_ICE) markUp(stats);
  stats.exposedDisconnected = d.exposed === 'disconnected' || !!d.held;
  stats.folded = !transports.ice.length;
  if (!stats.exposedDisconnected) stats.ice = undefined;
  // A new phase (schedule.ts) whenever the need, the value or what the browser exposes changes.
  plan(stats, d.need, d.value === 'connected', d.need + d.value + d.exposed + transports.dtls.length);
}

/** Announces the value if it moved since the last announcement. */
function announce(pc: RTCPeerConnection, rec: Tracked): void {
  const value = rec.value;
  if (value === rec.announced || value === 'closed') return;
  // Chromium < 75: ICE "connected" means the DTLS handshake is done too, so a connection seen
  // "new" (waiting for a remote candidate, derive.ts) went through "connecting" unseen: ICE
  // connected through a peer-reflexive candidate before a read showed it, or `watch()` could not
  // see `addIceCandidate()`. Native 74 reports it (test/old); so does the shim, first, reading
  // "connecting" during that announcement.
  if (rec.announced === 'new' && value === 'connected' && rec.probe.folds) {
    rec.value = 'connecting';
    rec.passing = true;
    say(pc, rec);
    rec.passing = false;
    if (rec.value !== 'connecting') return; // closed meanwhile
    rec.value = value;
  }
  say(pc, rec);
}

/** Fires one event (where installed) and calls each watcher with the value. */
function say(pc: RTCPeerConnection, rec: Tracked): void {
  const value = (rec.announced = rec.value);
  if (active) fireStateChange(pc);
  rec.watchers.slice().forEach((w) => {
    try {
      w(value);
    } catch (e) {
      // Like an event listener's exception: reported, and the others still run.
      setTimeout(() => {
        throw e;
      });
    }
  });
}

function update(pc: RTCPeerConnection): void {
  const rec = records.get(pc);
  if (!rec || !live(pc, rec) || rec.value === 'closed') return;
  refresh(pc, rec);
  // Inside an ICE event's dispatch (a page listener added a candidate there, and this runs from
  // its microtask), the event waits for our last listener, after every page listener: the spec's
  // order. Fired here, it would also be stopped as foreign (`guard`), and lost (test/old: 71 and
  // 74, a page that flushes queued candidates from its iceconnectionstatechange listener).
  if (!inIce(rec)) announce(pc, rec);
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
  stop(rec.probe);
  unwatchAll(rec.watched, rec.changed);
  rec.transports = { dtls: [], ice: [] };
  rec.value = rec.announced = 'closed';
  // Chromium < 76 fires iceconnectionstatechange → "closed" after close() returns: our listeners
  // stay but see "closed" and stay silent (webrtc-pc: close() fires no connectionstatechange).
}

/**
 * Starts tracking `pc` (idempotent) and returns its record. Our listeners go first where order
 * matters: the native-event filter, and the `iceconnectionstatechange` listener that updates the
 * value before page listeners read it (webrtc-pc sets every state before firing any event).
 */
function track(pc: RTCPeerConnection): Tracked {
  const rec = records.get(pc) || create(pc);
  // After our listeners, so that the native-event filter runs before the handler.
  if (active && rec.gen !== generation) {
    rec.gen = generation;
    adoptHandler(pc);
  }
  return rec;
}

/** A new record for `pc`, with its listeners (see {@link track}). */
function create(pc: RTCPeerConnection): Tracked {
  const guard = (event: Event): void => {
    // The browser's own events (trusted), and events another script dispatches from inside an
    // ICE event before ours: webrtc-adapter's ICE-only shim does that (issue: "adapter loaded
    // first"), and a page must see exactly one event per change. Only where installed: the
    // ponyfill touches no event.
    if (active && records.get(pc) === rec && (event.isTrusted || inIce(rec))) stopForeignEvent(event);
  };
  const head = (event: Event): void => {
    if (!live(pc, rec) || rec.value === 'closed') return;
    // A page stopped the previous ICE event before our last listener, and this one came in the
    // same task (Chromium fires "checking" and "connected" together): announce that change first,
    // so each ICE change still gets its own connectionstatechange.
    if (rec.iceEvent) announce(pc, rec);
    rec.iceEvent = event;
    refresh(pc, rec);
    queueTask(rec.tail);
  };
  const signaling = (): void => update(pc);
  // Fields not given here start out undefined (read as null or false).
  const rec: Tracked = {
    value: 'new',
    transports: { dtls: [], ice: [] },
    watched: [],
    changed: () => onTransportChange(pc),
    probe: createProber(pc, update),
    watchers: [],
    tail() {
      // Last `iceconnectionstatechange` listener: every page listener and handler has run, so
      // the connection-state event fires now, in the same task, in the spec's order. A page
      // listener that calls stopImmediatePropagation() skips this; the task queued by `head`
      // then does it (natively, stopping one event has no effect on the other).
      if (!live(pc, rec)) return;
      rec.iceEvent = undefined;
      update(pc);
      if (rec.moveLast) {
        rec.moveLast = false;
        keepLast(pc);
      }
    },
    off() {
      unlisten(pc, 'connectionstatechange', guard, true);
      unlisten(pc, 'iceconnectionstatechange', head, true);
      unlisten(pc, 'signalingstatechange', signaling);
      unlisten(pc, 'iceconnectionstatechange', rec.tail);
    },
  };
  records.set(pc, rec);
  listen(pc, 'connectionstatechange', guard, true);
  listen(pc, 'iceconnectionstatechange', head, true);
  listen(pc, 'signalingstatechange', signaling);
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
  let rec = records.get(pc);
  if (isClosed(pc)) {
    // Once: every read after close() lands here, and finishing again would only redo the work.
    if (rec && rec.value !== 'closed') finish(rec);
    return 'closed';
  }
  // Made, or brought up to this install (a handler to adopt), only where needed: a read is hot.
  if (!rec || (active && rec.gen !== generation)) rec = track(pc);
  // A read writes nothing: no stored value, no planned read. It derives afresh only where
  // iceConnectionState moved since the last derivation: in engines that run listeners in the
  // order they were added (Chromium < 89, capture or not), a page's iceconnectionstatechange
  // listener added before ours runs first and must already read the new value. Whatever else moves
  // the value comes with an event the shim handles, a task it queued (webrtc-pc queues the update
  // after a DTLS change), or a stats read.
  if ((active || rec.watchers.length > 0) && !rec.passing && pc.iceConnectionState !== rec.seenIce) {
    return derivation(pc, rec, transportsOf(pc, rec)).value;
  }
  return rec.value;
}

/**
 * Closes `pc` by `run` (the browser's close()), the safe way: in Chromium 71 the real close() must
 * wait for a promise-form getStats() in flight (prober.ts `deferClose`). Then the connection reads
 * "closed" and fires nothing from now on, and `run` runs when that read settles. Otherwise `run`
 * runs now and the transport subscriptions are dropped. Returns what `run` returned, if it ran.
 * Serves the installed `close()` (install.ts) and `watch().close()` (watch.ts).
 */
export function closeSafely(pc: RTCPeerConnection, run: () => unknown): unknown {
  const rec = records.get(pc);
  if (rec) {
    // A second close() while the first is held back is held back too (it would deadlock as well).
    if (rec.probe.deferred) return undefined;
    if (rec.value !== 'closed' && deferClose(rec.probe, run)) return finish(rec);
  }
  const result = run();
  if (rec && isClosed(pc)) finish(rec);
  return result;
}

/** What the shim derived for a connection, with the transports it counted (explain.ts). */
export interface Snapshot {
  derived: Derivation;
  transports: TransportSet;
}

/**
 * What the shim derived for `pc` just now (its record, read-only to the caller), or nothing
 * where it does not track `pc` (or it is closed).
 */
export function snapshot(pc: RTCPeerConnection): Snapshot | undefined {
  // A record is derived when it is made (`track`), so `derived` is set.
  return readState(pc) !== 'closed' ? (records.get(pc) as Snapshot | undefined) : undefined;
}

/**
 * The page called `addIceCandidate()` with a candidate; `result` is the browser's promise. Chromium
 * < 75 exposes nothing when the first remote candidate ends the wait for one (derive.ts): no
 * event, and the remote description shows it only once the call runs, which waits behind a
 * `setRemoteDescription()` still in progress (a page relaying candidates from
 * `signalingstatechange` does that). So the candidate counts once the browser took it, and the
 * value is re-derived then, as native 74 moves from "new" to "connecting". One it refused counts
 * for nothing (native 74 stays "new"; counted from the call, the shim said "connecting" and "new"
 * again). Returns the promise the page gets: it settles as the browser's does, so a rejection the
 * page leaves unhandled is still reported as one.
 */
export function candidateGiven(pc: RTCPeerConnection, result: unknown): unknown {
  const rec = records.get(pc);
  if (!rec || !result || typeof (result as Promise<void>).then !== 'function') return result;
  return (result as Promise<void>).then((v) => {
    if (!rec.given) {
      rec.given = true;
      update(pc);
    }
    return v;
  });
}

/**
 * Keeps our last `iceconnectionstatechange` listener behind every page listener and handler,
 * so the connection-state event follows them all. Called after a page adds one.
 */
export function keepLast(pc: RTCPeerConnection): void {
  const rec = records.get(pc);
  if (!rec) return;
  if (inIce(rec)) {
    // Re-adding during a dispatch would skip us for this event; do it when we run.
    rec.moveLast = true;
    return;
  }
  unlisten(pc, 'iceconnectionstatechange', rec.tail);
  listen(pc, 'iceconnectionstatechange', rec.tail);
}

/**
 * Follows `pc` for `watch()` (fn.ts), with the installed shim's machinery and nothing patched:
 * `onChange` gets each change the shim would announce, after the `iceconnectionstatechange`
 * listeners registered before it. Returns the stop function: the last watcher to stop, where the
 * shim is not installed, removes the listeners, the transport subscriptions and the reads.
 */
export function follow(pc: RTCPeerConnection, onChange: (state: RTCPeerConnectionState) => void): () => void {
  const rec = track(pc);
  if (!live(pc, rec)) {
    // A record nobody followed since: bring it up to date without announcing the past.
    refresh(pc, rec);
    rec.announced = rec.value;
  }
  const w = (state: RTCPeerConnectionState): void => onChange(state);
  rec.watchers.push(w);
  // Its reads go on across uninstall() (prober.ts `newEra`): the watcher still needs them.
  rec.probe.followed = true;
  return () => {
    const i = rec.watchers.indexOf(w);
    if (i < 0) return;
    rec.watchers.splice(i, 1);
    rec.probe.followed = rec.watchers.length > 0;
    if (rec.watchers.length || active || records.get(pc) !== rec) return;
    rec.off();
    unwatchAll(rec.watched, rec.changed);
    stop(rec.probe);
    records.delete(pc);
  };
}

/** The value `readState` gives, without starting to track `pc` (null where it is not tracked). */
export function peekState(pc: RTCPeerConnection): RTCPeerConnectionState | null {
  return records.has(pc) ? readState(pc) : null;
}
