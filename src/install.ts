/**
 * The only file that touches globals: patches RTCPeerConnection.prototype, marks the installation
 * under a global Symbol.for key (shared by every copy of this package on the page), and restores
 * the exact previous property descriptors on uninstall.
 */
import { candidateGiven, closeSafely, ensureTracked, keepLast, readState, setActive, snapshot } from './connection.js';
import { getHandler, setHandler } from './events.js';

/** Options for {@link install}. */
export interface InstallOptions {
  /**
   * Replace a native `connectionState` too (for buggy natives such as Chromium 72–74, and for
   * testing). Without it, install does nothing where the browser has its own.
   */
  force?: boolean;
}

/** What {@link install} did. */
export interface InstallResult {
  /** True when this call patched the prototype. */
  installed: boolean;
  /** Why nothing was installed (empty when `installed`). */
  reason: string;
  /** Restores the descriptors this call replaced; a no-op when nothing was installed. */
  uninstall(): void;
}

/** Where the installation is marked, shared across copies of the package and bundles. */
export const INSTALL_KEY: symbol = Symbol.for('rtc-connection-state-shim');

interface Mark {
  force: boolean;
  uninstall(): void;
  /** The shim's derivation for a connection, for the explain entry (any copy on the page). */
  snapshot: typeof snapshot;
}

type Global = typeof globalThis & { [INSTALL_KEY]?: Mark };

/** The global object in a page, a worker, or Node; without relying on `globalThis` alone. */
export function getGlobal(): Global {
  return (typeof globalThis === 'object' ? globalThis : self) as Global;
}

const PATCHED = [
  'connectionState',
  'onconnectionstatechange',
  'oniceconnectionstatechange',
  'addEventListener',
  'createOffer',
  'createAnswer',
  'setLocalDescription',
  'setRemoteDescription',
  'addIceCandidate',
  'close',
];

/** Calls after which a connection created before install() is tracked. */
const TRACKING_CALLS = ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate'];

function skipped(reason: string): InstallResult {
  return { installed: false, reason, uninstall() {} };
}

/** The descriptor a wrapped method gets: a WebIDL operation keeps its name and length. */
function method(original: Function, body: (this: RTCPeerConnection, args: IArguments) => unknown) {
  const fn = function (this: RTCPeerConnection) {
    return body.call(this, arguments);
  };
  Object.defineProperty(fn, 'name', { value: original.name, configurable: true });
  Object.defineProperty(fn, 'length', { value: original.length, configurable: true });
  return { value: fn, writable: true, enumerable: true, configurable: true };
}

/**
 * The browser's own `connectionState` getter, if any: not ours, and not another script's (such
 * as webrtc-adapter's ICE-only `connectionState`, which this shim replaces without `force`).
 */
export function nativeStateGetter(): ((this: RTCPeerConnection) => RTCPeerConnectionState) | null {
  const g = getGlobal();
  const PC = g.RTCPeerConnection;
  if (typeof PC !== 'function' || g[INSTALL_KEY]) return null;
  const d = Object.getOwnPropertyDescriptor(PC.prototype, 'connectionState');
  return d && d.get && Function.prototype.toString.call(d.get).indexOf('[native code]') >= 0 ? d.get : null;
}

/**
 * Installs the shim on this realm's RTCPeerConnection.prototype. Never throws: when it does
 * nothing, `reason` says why.
 */
export function install(options: InstallOptions = {}): InstallResult {
  const g = getGlobal();
  const PC = g.RTCPeerConnection;
  if (typeof PC !== 'function') return skipped('no RTCPeerConnection here');
  const proto = PC.prototype;
  if (!('iceConnectionState' in proto)) return skipped('RTCPeerConnection has no iceConnectionState');
  if (g[INSTALL_KEY]) return skipped('already installed');
  if (nativeStateGetter() && !options.force) {
    return skipped('the browser has a native connectionState (pass { force: true } to replace it)');
  }
  const saved = PATCHED.map((name) => Object.getOwnPropertyDescriptor(proto, name));
  for (let i = 0; i < PATCHED.length; i++) {
    const d = saved[i];
    if (d && !d.configurable) return skipped('RTCPeerConnection.prototype.' + PATCHED[i] + ' is not configurable');
  }
  if (!Object.isExtensible(proto)) return skipped('RTCPeerConnection.prototype is not extensible');

  const restore = (): void => {
    for (let i = 0; i < PATCHED.length; i++) {
      const d = saved[i];
      if (d) Object.defineProperty(proto, PATCHED[i], d);
      else delete (proto as unknown as Record<string, unknown>)[PATCHED[i]];
    }
  };
  const define = (name: string, d: PropertyDescriptor): void => {
    Object.defineProperty(proto, name, d);
  };
  const original = (name: string): Function => {
    const own = saved[PATCHED.indexOf(name)];
    return own ? own.value : (proto as unknown as Record<string, Function>)[name];
  };

  try {
    define('connectionState', {
      get(this: RTCPeerConnection) {
        return readState(this);
      },
      enumerable: true,
      configurable: true,
    });
    define('onconnectionstatechange', {
      get(this: RTCPeerConnection) {
        return getHandler(this);
      },
      set(this: RTCPeerConnection, value: unknown) {
        ensureTracked(this); // our native-event filter must precede the handler
        setHandler(this, value);
      },
      enumerable: true,
      configurable: true,
    });
    const ice = saved[PATCHED.indexOf('oniceconnectionstatechange')];
    if (ice && ice.set && ice.get) {
      const nativeSet = ice.set;
      define('oniceconnectionstatechange', {
        get: ice.get,
        set(this: RTCPeerConnection, value: unknown) {
          ensureTracked(this); // our first listener must precede the page's handler
          nativeSet.call(this, value);
          keepLast(this);
        },
        enumerable: ice.enumerable,
        configurable: true,
      });
    }
    const add = original('addEventListener');
    define('addEventListener', method(add, function (args) {
      const type = args[0];
      // Track before the page's listener lands, so ours (filter, state update) run first.
      if (type === 'connectionstatechange' || type === 'iceconnectionstatechange') ensureTracked(this);
      const result = add.apply(this, args);
      if (type === 'iceconnectionstatechange') keepLast(this);
      return result;
    }));
    for (let i = 0; i < TRACKING_CALLS.length; i++) {
      const name = TRACKING_CALLS[i];
      const fn = original(name);
      if (typeof fn !== 'function') continue;
      define(name, method(fn, function (args) {
        ensureTracked(this);
        const result = fn.apply(this, args);
        // A remote candidate handed over: see connection.ts `candidateGiven`.
        const c = args[0] as RTCIceCandidateInit | null | undefined;
        if (name === 'addIceCandidate' && c && c.candidate) candidateGiven(this);
        return result;
      }));
    }
    const close = original('close');
    define('close', method(close, function (args) {
      // Chromium 71 can deadlock in close() while the shim's promise-form getStats() is in
      // flight: then the real close() follows when that read settles (connection.ts closeSafely).
      return closeSafely(this, () => close.apply(this, args));
    }));
  } catch (e) {
    try {
      restore();
    } catch (ignored) {
      // Nothing more can be undone; the reason below says what went wrong.
    }
    return skipped('patching RTCPeerConnection.prototype failed: ' + String(e));
  }

  setActive(true);
  const mark: Mark = {
    force: !!options.force,
    snapshot,
    uninstall() {
      if (g[INSTALL_KEY] !== mark) return;
      setActive(false);
      restore();
      delete g[INSTALL_KEY];
    },
  };
  Object.defineProperty(g, INSTALL_KEY, { value: mark, configurable: true, writable: true });
  return { installed: true, reason: '', uninstall: mark.uninstall };
}

/** True when a copy of this shim is installed in this realm. */
export function isInstalled(): boolean {
  return !!getGlobal()[INSTALL_KEY];
}

/** True when the browser itself implements `connectionState` (and the shim is not standing in). */
export function isSupported(): boolean {
  return nativeStateGetter() !== null;
}
