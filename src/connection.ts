/**
 * What the installed shim (install.ts) and `watch()` (watch.ts) ask of a connection: track it,
 * read its state, close it safely, hand over a candidate, follow it. The record (record.ts) holds
 * the value; dispatch.ts orders the events; registry.ts knows which connections are tracked.
 */
import type { Derivation } from './derive.js';
import { keepLast, track, update } from './dispatch.js';
import { holdClose } from './prober/hold.js';
import { derivedNow, drop, finish, isClosed, resume, takeCandidate } from './record.js';
import { active, followed, generation, live, records, setActive, type Tracked } from './registry.js';
import type { TransportSet } from './transports.js';

export { keepLast, setActive };

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
  if (!rec || (active && rec.adoptedIn !== generation)) rec = track(pc);
  // A read writes nothing: no stored value, no planned read. It derives afresh only where
  // iceConnectionState moved since the last derivation: in engines that run listeners in the
  // order they were added (Chromium < 89, capture or not), a page's iceconnectionstatechange
  // listener added before ours runs first and must already read the new value. Whatever else moves
  // the value comes with an event the shim handles, a task it queued (webrtc-pc queues the update
  // after a DTLS change), or a stats read.
  if (followed(rec) && !rec.passing && pc.iceConnectionState !== rec.seenIce) return derivedNow(pc, rec).value;
  return rec.value;
}

/**
 * Closes `pc` by `run` (the browser's close()), the safe way: in Chromium 71 the real close() must
 * wait for a promise-form getStats() in flight (prober/hold.ts). Then the connection reads
 * "closed" and fires nothing from now on, and `run` runs when that read settles. Otherwise `run`
 * runs now and the transport subscriptions are dropped. Returns what `run` returned, if it ran.
 * Serves the installed `close()` (install.ts) and `watch().close()` (watch.ts).
 */
export function closeSafely(pc: RTCPeerConnection, run: () => unknown): unknown {
  const rec = records.get(pc);
  if (rec) {
    const hold = rec.reader.hold;
    // A second close() while the first is held back is held back too (it would deadlock as well).
    if (hold.deferred) return undefined;
    if (rec.value !== 'closed' && holdClose(hold, run)) return finish(rec);
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
  // A record is derived when it is made, so `derived` is set.
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
    if (takeCandidate(rec)) update(pc);
    return v;
  });
}

/** The `watch()` callbacks of each followed connection's record. */
const watchers = new WeakMap<Tracked, Array<(state: RTCPeerConnectionState) => void>>();

/**
 * Follows `pc` for `watch()` (fn.ts), with the installed shim's machinery and nothing patched:
 * `onChange` gets each change the shim would announce, after the `iceconnectionstatechange`
 * listeners registered before it. Returns the stop function: the last watcher to stop, where the
 * shim is not installed, removes the listeners, the transport subscriptions and the reads.
 */
export function follow(pc: RTCPeerConnection, onChange: (state: RTCPeerConnectionState) => void): () => void {
  const rec = track(pc);
  // A record nobody followed since: bring it up to date without announcing the past.
  if (!live(pc, rec)) resume(pc, rec);
  let list = watchers.get(rec);
  if (!list) {
    const each: Array<(state: RTCPeerConnectionState) => void> = (list = []);
    watchers.set(rec, each);
    rec.onAnnounce = (state) => each.slice().forEach((w) => {
      try {
        w(state);
      } catch (e) {
        // Like an event listener's exception: reported, and the others still run.
        setTimeout(() => {
          throw e;
        });
      }
    });
  }
  const all = list;
  const w = (state: RTCPeerConnectionState): void => onChange(state);
  all.push(w);
  // Its reads go on across uninstall() (prober/loop.ts `newEra`): the watcher still needs them.
  rec.reader.followed = true;
  return () => {
    const i = all.indexOf(w);
    if (i < 0) return;
    all.splice(i, 1);
    rec.reader.followed = all.length > 0;
    if (!all.length) {
      rec.onAnnounce = undefined;
      watchers.delete(rec);
    }
    if (all.length || active || records.get(pc) !== rec) return;
    rec.unlistenAll();
    drop(rec);
    records.delete(pc);
  };
}

/** The value `readState` gives, without starting to track `pc` (null where it is not tracked). */
export function peekState(pc: RTCPeerConnection): RTCPeerConnectionState | null {
  return records.has(pc) ? readState(pc) : null;
}

