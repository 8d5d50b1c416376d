/**
 * Events: dispatching `connectionstatechange`, the `onconnectionstatechange` event handler, and
 * the small task queue used for DTLS-driven changes. Nothing here decides a state.
 */

type Listener = (this: RTCPeerConnection, event: Event) => void;

/** EventTarget's own methods, so our listeners never pass through the patched prototype. */
const target: EventTarget | null = typeof EventTarget === 'function' ? EventTarget.prototype : null;

/** Adds a listener with EventTarget's own method (bypasses RTCPeerConnection.prototype). */
export function listen(pc: RTCPeerConnection, type: string, fn: Listener, capture = false): void {
  (target as EventTarget).addEventListener.call(pc, type, fn as EventListener, capture);
}

/** Removes a listener added with {@link listen}. */
export function unlisten(pc: RTCPeerConnection, type: string, fn: Listener, capture = false): void {
  (target as EventTarget).removeEventListener.call(pc, type, fn as EventListener, capture);
}

/**
 * Fires `connectionstatechange` like the browser: a plain Event that neither bubbles nor can be
 * cancelled ("update the connection state", webrtc-pc). It is untrusted, which is how the filter
 * below tells it from the browser's own.
 */
export function fireStateChange(pc: RTCPeerConnection): void {
  pc.dispatchEvent(new Event('connectionstatechange'));
}

/**
 * Keeps a `connectionstatechange` that is not the shim's away from page listeners and the
 * handler; called from the first listener of every tracked connection, which decides. Where the
 * native accessors were removed or replaced the browser still dispatches its own (trusted) events
 * (observed in Chromium 156 and Firefox 153), and a page must see exactly one event per change.
 */
export function stopForeignEvent(event: Event): void {
  event.stopImmediatePropagation();
}

/**
 * The `onconnectionstatechange` of one connection: its value, and the listener that calls it.
 * @shimOwn
 */
interface Handler {
  handlerValue: unknown;
  handlerListener: Listener;
}
/** Replaced by {@link forgetHandlers} at uninstall: the old callbacks are never called again. */
let handlers = new WeakMap<RTCPeerConnection, Handler>();

/**
 * Forgets every handler (uninstall): the listeners they registered stay on their connections, but
 * call nothing, and a later install() starts with no handler set.
 */
export function forgetHandlers(): void {
  handlers = new WeakMap();
}

/** The `onconnectionstatechange` getter: the stored callback or null. */
export function getHandler(pc: RTCPeerConnection): unknown {
  const h = handlers.get(pc);
  return h ? h.handlerValue : null;
}

/**
 * The `onconnectionstatechange` setter, with HTML "event handler" semantics: the first non-null
 * value registers one listener, later values replace the callback in place (the listener keeps its
 * position), null removes it. Like WebIDL's [LegacyTreatNonObjectAsNull] EventHandler, any object
 * is kept (a non-callable one is simply not called) and any non-object becomes null.
 */
export function setHandler(pc: RTCPeerConnection, value: unknown): void {
  // Objects and functions are what Object() returns unchanged.
  const callback = Object(value) === value ? value : null;
  const h = handlers.get(pc);
  if (callback === null) {
    if (h) {
      unlisten(pc, 'connectionstatechange', h.handlerListener);
      handlers.delete(pc);
    }
  } else if (h) {
    h.handlerValue = callback;
  } else {
    const entry: Handler = {
      handlerValue: callback,
      handlerListener(event) {
        const fn = entry.handlerValue;
        if (handlers.get(this) === entry && typeof fn === 'function') fn.call(this, event);
      },
    };
    handlers.set(pc, entry);
    listen(pc, 'connectionstatechange', entry.handlerListener);
  }
}

/**
 * A handler the page set while no shim was installed (before the script loaded, before
 * install(), or after uninstall()) is an own data property of the connection: it hides the
 * prototype's accessor for good and is never called. Moves it behind the accessor, so it is called
 * from now on and the connection keeps no property of its own.
 */
export function adoptHandler(pc: RTCPeerConnection): void {
  const d = Object.getOwnPropertyDescriptor(pc, 'onconnectionstatechange');
  if (d && 'value' in d && d.configurable) {
    delete (pc as { onconnectionstatechange?: unknown }).onconnectionstatechange;
    setHandler(pc, d.value);
  }
}

let queue: Array<() => void> = [];
let port: MessagePort | null = null;

function runQueue(): void {
  const jobs = queue;
  queue = [];
  for (let i = 0; i < jobs.length; i++) jobs[i]();
}

/**
 * Runs `job` in a separate task, as webrtc-pc queues the connection-state update after a DTLS
 * transport change. A MessageChannel task is not clamped or throttled like setTimeout(0).
 */
export function queueTask(job: () => void): void {
  queue.push(job);
  if (queue.length > 1) return;
  if (!port && typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    channel.port1.onmessage = runQueue;
    port = channel.port2;
  }
  if (port) port.postMessage(0);
  else setTimeout(runQueue, 0);
}
