/**
 * The order of events on a tracked connection: our listeners and where they sit (the native-event
 * filter first, the `iceconnectionstatechange` listener that updates the value before page
 * listeners read it, the last one that fires the shim's event after them), and the shim's own
 * `connectionstatechange` (untrusted: that is how the filter tells it from the browser's).
 * webrtc-pc sets every state before firing any event, and fires `connectionstatechange` after
 * `iceconnectionstatechange` in the same task.
 */
import { adoptHandler, fireStateChange, listen, queueTask, stopForeignEvent, unlisten } from './events.js';
import { announce, isClosed, newRecord, refresh } from './record.js';
import { active, generation, live, records, type Tracked } from './registry.js';

/** Inside the dispatch of the ICE event our first listener saw. */
export function inIce(rec: Tracked): boolean {
  return !!rec.iceEvent && rec.iceEvent.eventPhase !== 0;
}

/** Says `value`: one event (where installed), and to `watch()` where it follows the connection. */
function say(pc: RTCPeerConnection, value: RTCPeerConnectionState): void {
  const onAnnounce = records.get(pc)!.onAnnounce;
  if (active) fireStateChange(pc);
  if (onAnnounce) onAnnounce(value);
}

/**
 * Something the value depends on may have moved: refresh the record and announce the change.
 * `settled`: the record was refreshed in this same ICE event's dispatch (see `tail`).
 */
export function update(pc: RTCPeerConnection, settled?: boolean): void {
  const rec = records.get(pc);
  if (!rec || !live(pc, rec) || rec.value === 'closed') return;
  // After the first listener's refresh, only iceConnectionState can have moved without an event
  // or task of its own reaching `update` (a second ICE change in the same task: Chromium fires
  // "checking" and "connected" together), or close() without the shim's wrapper.
  if (!settled || isClosed(pc) || pc.iceConnectionState !== rec.seenIce) refresh(pc, rec);
  // Inside an ICE event's dispatch (a page listener added a candidate there, and this runs from
  // its microtask), the event waits for our last listener, after every page listener: the spec's
  // order. Fired here, it would also be stopped as foreign (`guard`), and lost (test/old: 71 and
  // 74, a page that flushes queued candidates from its iceconnectionstatechange listener).
  if (!inIce(rec)) announce(pc, rec, say);
}

/**
 * Starts tracking `pc` (idempotent) and returns its record; under a new install, adopts a handler
 * the page set meanwhile. Our listeners go first where order matters: the native-event filter,
 * and the `iceconnectionstatechange` listener that updates the value before page listeners read it.
 */
export function track(pc: RTCPeerConnection): Tracked {
  const rec = records.get(pc) || create(pc);
  // After our listeners, so that the native-event filter runs before the handler.
  if (active && rec.adoptedIn !== generation) {
    rec.adoptedIn = generation;
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
    if (rec.iceEvent) announce(pc, rec, say);
    rec.iceEvent = event;
    refresh(pc, rec);
    // Only if our last listener did not run for this event (a page listener stopped it): after it
    // ran, this task re-derived the same value once more, half of the ICE-driven refreshes
    // (Firefox ESR 153, test/bench's pairs: 120 of 240, of 792 refreshes in all).
    queueTask(() => {
      if (rec.iceEvent === event) tail();
    });
  };
  const tail = (): void => {
    // Last `iceconnectionstatechange` listener: every page listener and handler has run, so
    // the connection-state event fires now, in the same task, in the spec's order. A page
    // listener that calls stopImmediatePropagation() skips this; the task queued by `head`
    // then does it (natively, stopping one event has no effect on the other).
    if (!live(pc, rec)) return;
    const settled = !!rec.iceEvent;
    rec.iceEvent = undefined;
    update(pc, settled);
    if (rec.moveLast) {
      rec.moveLast = false;
      keepLast(pc);
    }
  };
  const signaling = (): void => update(pc);
  // A transport's `statechange`. For DTLS, webrtc-pc queues the connection-state update in a new
  // task. For ICE, the spec fires the transport's event, then `iceconnectionstatechange`, then
  // `connectionstatechange` in one task: when the ICE change moves `iceConnectionState`, the
  // listeners above handle it in that task, and this queued task then finds nothing left to do.
  const onTransport = (): void => queueTask(() => update(pc));
  const rec = newRecord(pc, onTransport, update) as Tracked;
  rec.tail = tail;
  rec.unlistenAll = () => {
    unlisten(pc, 'connectionstatechange', guard, true);
    unlisten(pc, 'iceconnectionstatechange', head, true);
    unlisten(pc, 'signalingstatechange', signaling);
    unlisten(pc, 'iceconnectionstatechange', tail);
  };
  records.set(pc, rec);
  listen(pc, 'connectionstatechange', guard, true);
  listen(pc, 'iceconnectionstatechange', head, true);
  listen(pc, 'signalingstatechange', signaling);
  listen(pc, 'iceconnectionstatechange', tail);
  return rec;
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
