// Measures the shim's own main-thread time: the time the page spends inside the shim's code, and
// not inside the browser calls or page listeners that code leads to. Every way into the shim is
// wrapped: the members it installs on RTCPeerConnection.prototype (as the page calls them), the
// listeners it adds (with EventTarget's own method), the timers and MessageChannel handler it
// sets, and the getStats() callbacks it registers. The browser's methods the shim calls
// (captured by install() after they were wrapped here) and every event it dispatches count as
// "other" time. A stack of modes gives each millisecond to whoever is on top.
//
// Call `instrument()` before `install()` and `instrumentInstalled()` right after it. Timing a
// call costs ~1 µs per entry; the figures are upper bounds.

type Mode = 'shim' | 'other';
const stack: Mode[] = [];
let since = 0;
let shimMs = 0;
let entries = 0;

function enter(mode: Mode): void {
  const now = performance.now();
  if (stack[stack.length - 1] === 'shim') shimMs += now - since;
  stack.push(mode);
  since = now;
  if (mode === 'shim') entries++;
}

function leave(): void {
  const now = performance.now();
  if (stack.pop() === 'shim') shimMs += now - since;
  since = now;
}

function as<F extends Function>(mode: Mode, fn: F): F {
  return function (this: unknown) {
    enter(mode);
    try {
      return fn.apply(this, arguments);
    } finally {
      leave();
    }
  } as unknown as F;
}

/** Inside the shim's code now (its own code is on top of the stack). */
const inShim = (): boolean => stack[stack.length - 1] === 'shim';

/** Listeners the page passed to the shim's addEventListener: not the shim's. */
const pageFns = new WeakSet<object>();
const wrapped = new WeakMap<object, EventListener>();

let done = false;

/** Wraps the browser's own entry points; call once, before install(). */
export function instrument(): void {
  if (done) return;
  done = true;
  const et = EventTarget.prototype;
  const add = et.addEventListener;
  const remove = et.removeEventListener;
  const dispatch = et.dispatchEvent;
  et.addEventListener = function (this: EventTarget, type: string, fn: EventListenerOrEventListenerObject | null, opts?: unknown) {
    if (typeof fn === 'function' && inShim() && !pageFns.has(fn)) {
      let w = wrapped.get(fn);
      if (!w) wrapped.set(fn, (w = as('shim', fn)));
      return add.call(this, type, w, opts as AddEventListenerOptions);
    }
    return add.call(this, type, fn, opts as AddEventListenerOptions);
  };
  et.removeEventListener = function (this: EventTarget, type: string, fn: EventListenerOrEventListenerObject | null, opts?: unknown) {
    const w = fn && wrapped.get(fn);
    if (w) remove.call(this, type, w, opts as EventListenerOptions);
    return remove.call(this, type, fn, opts as EventListenerOptions);
  };
  et.dispatchEvent = as('other', dispatch);
  const setT = window.setTimeout;
  window.setTimeout = function (fn: TimerHandler, ms?: number, ...rest: unknown[]) {
    return setT(typeof fn === 'function' && inShim() ? as('shim', fn) : fn, ms, ...rest);
  } as typeof window.setTimeout;
  const port = Object.getOwnPropertyDescriptor(MessagePort.prototype, 'onmessage')!;
  Object.defineProperty(MessagePort.prototype, 'onmessage', {
    ...port,
    set(this: MessagePort, fn: unknown) {
      port.set!.call(this, typeof fn === 'function' && inShim() ? as('shim', fn) : fn);
    },
  });
  const proto = RTCPeerConnection.prototype as unknown as Record<string, unknown>;
  for (const name of ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate', 'close']) {
    proto[name] = as('other', proto[name] as Function);
  }
  const getStats = proto.getStats as (...a: unknown[]) => unknown;
  proto.getStats = function (this: RTCPeerConnection, ...args: unknown[]) {
    if (!inShim()) return getStats.apply(this, args);
    // The shim's read: its callbacks are shim time, the browser's work is not.
    if (typeof args[0] === 'function') args[0] = as('shim', args[0] as Function);
    enter('other');
    let p: unknown;
    try {
      p = getStats.apply(this, args);
    } finally {
      leave();
    }
    if (!p || typeof (p as Promise<unknown>).then !== 'function') return p;
    const promise = p as Promise<unknown>;
    return {
      then(ok?: (v: unknown) => unknown, fail?: (e: unknown) => unknown) {
        return promise.then(ok && as('shim', ok), fail && as('shim', fail));
      },
    };
  };
}

/** Wraps what install() put on the prototype: the page's calls into the shim. Call after install(). */
export function instrumentInstalled(): () => void {
  const proto = RTCPeerConnection.prototype;
  const names = ['connectionState', 'onconnectionstatechange', 'oniceconnectionstatechange', 'addEventListener',
    'createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate', 'close'];
  const saved = names.map((n) => Object.getOwnPropertyDescriptor(proto, n));
  names.forEach((n, i) => {
    const d = saved[i];
    if (!d) return;
    const next: PropertyDescriptor = { ...d };
    if (d.get) next.get = as('shim', d.get);
    if (d.set) next.set = as('shim', d.set);
    if (typeof d.value === 'function') {
      const fn = d.value as Function;
      next.value = n === 'addEventListener'
        ? as('shim', function (this: unknown, type: string, listener: unknown) {
          if (listener && typeof listener === 'object' || typeof listener === 'function') pageFns.add(listener as object);
          return fn.apply(this, arguments);
        })
        : as('shim', fn);
    }
    Object.defineProperty(proto, n, next);
  });
  return () => names.forEach((n, i) => {
    const d = saved[i];
    if (d) Object.defineProperty(proto, n, d);
  });
}

/** The shim's time so far (ms) and how many times the page entered its code. */
export function shimTime(): { ms: number; entries: number } {
  return { ms: shimMs, entries };
}
