/**
 * The only file that touches globals: patches RTCPeerConnection.prototype, marks the installation
 * under a global Symbol.for key (shared by every copy of this package on the page), and restores
 * the exact previous property descriptors on uninstall.
 */
import { candidateGiven, closeSafely, ensureTracked, keepLast, readState, setActive, snapshot } from './connection.js';
import { getHandler, setHandler } from './events.js';
import { G } from './global.js';

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
  uninstall(): void;
  /** The shim's derivation for a connection, for the explain entry (any copy on the page). */
  snapshot: typeof snapshot;
}

/** The global object, with the install mark. */
const g = G as typeof G & { [INSTALL_KEY]?: Mark };

/** Calls after which a connection created before install() is tracked. */
const TRACKING_CALLS = ['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription', 'addIceCandidate'];

/** Every name install() replaces (and uninstall() restores). */
const PATCHED = TRACKING_CALLS.concat('connectionState', 'onconnectionstatechange', 'oniceconnectionstatechange', 'addEventListener', 'close');

function skipped(reason: string): InstallResult {
  return { installed: false, reason, uninstall() {} };
}

/** A data property as a built-in's own: configurable (and so replaceable, as WebIDL's are). */
function own(value: unknown): PropertyDescriptor {
  return { value, configurable: true };
}

/** The descriptor a wrapped method gets: a WebIDL operation keeps its name and length. */
function method(original: Function, body: (this: RTCPeerConnection, args: IArguments) => unknown): PropertyDescriptor {
  const fn = function (this: RTCPeerConnection) {
    return body.call(this, arguments);
  };
  Object.defineProperties(fn, { name: own(original.name), length: own(original.length) });
  return { value: fn, writable: true };
}

/**
 * The browser's RTCPeerConnection.prototype, where its own members live. A page may have replaced
 * the global with a subclass (`class extends RTCPeerConnection {}`) or a wrapper function sharing
 * the prototype: walk up to the prototype that holds `iceConnectionState`; patching the subclass's
 * would miss the browser's own members and every connection made without it.
 */
function interfaceProto(): RTCPeerConnection | null {
  const PC = g.RTCPeerConnection;
  let p = typeof PC === 'function' ? PC.prototype : null;
  while (p && !Object.prototype.hasOwnProperty.call(p, 'iceConnectionState')) p = Object.getPrototypeOf(p);
  return p;
}

/**
 * The browser's own `connectionState` getter, if any: not ours, and not another script's (such
 * as webrtc-adapter's ICE-only `connectionState`, which this shim replaces without `force`).
 */
export function nativeStateGetter(): ((this: RTCPeerConnection) => RTCPeerConnectionState) | null {
  const proto = interfaceProto();
  if (!proto || g[INSTALL_KEY]) return null;
  const d = Object.getOwnPropertyDescriptor(proto, 'connectionState');
  return d && d.get && /\[native code\]/.test(Function.prototype.toString.call(d.get)) ? d.get : null;
}

/** The `connectionState` getter: one function for every install (none is made per install). */
function connectionState(this: RTCPeerConnection): RTCPeerConnectionState {
  return readState(this);
}

/**
 * Installs the shim on this realm's RTCPeerConnection.prototype. Never throws: when it does
 * nothing, `reason` says why.
 */
export function install(options: InstallOptions = {}): InstallResult {
  if (typeof g.RTCPeerConnection !== 'function') return skipped('no RTCPeerConnection');
  const proto = interfaceProto();
  if (!proto) return skipped('no iceConnectionState');
  if (g[INSTALL_KEY]) return skipped('already installed');
  if (nativeStateGetter() && !options.force) {
    return skipped('native connectionState (force replaces it)');
  }
  const saved = PATCHED.map((name) => Object.getOwnPropertyDescriptor(proto, name));
  /** What install() defined, by name: uninstall() restores a member only while it is still ours. */
  const mine: Record<string, PropertyDescriptor> = {};
  const restore = (): void => {
    for (let i = 0; i < PATCHED.length; i++) {
      const name = PATCHED[i];
      const d = saved[i];
      const now = Object.getOwnPropertyDescriptor(proto, name);
      const ours = mine[name];
      // A script that wrapped our member after install (webrtc-adapter, SDK instrumentation)
      // keeps its wrapper: it calls ours, which goes quiet once uninstalled.
      if (!ours || !now || now.value !== ours.value || now.get !== ours.get || now.set !== ours.set) continue;
      if (d) Object.defineProperty(proto, name, d);
      else delete (proto as unknown as Record<string, unknown>)[name];
    }
  };
  /** Defines an attribute or operation as WebIDL does: enumerable and configurable. */
  const define = (name: string, d: PropertyDescriptor): void => {
    d.enumerable = d.configurable = true;
    Object.defineProperty(proto, name, (mine[name] = d));
  };
  const original = (name: string): Function => {
    const d = saved[PATCHED.indexOf(name)];
    return d ? d.value : (proto as unknown as Record<string, Function>)[name];
  };

  // A frozen prototype, a non-configurable member or a non-extensible prototype (another script's
  // doing) throws from defineProperty: everything patched so far is restored, and the reason
  // carries the browser's own message.
  try {
    define('connectionState', { get: connectionState });
    define('onconnectionstatechange', {
      get(this: RTCPeerConnection) {
        return getHandler(this);
      },
      set(this: RTCPeerConnection, value: unknown) {
        ensureTracked(this); // our native-event filter must precede the handler
        setHandler(this, value);
      },
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
      });
    }
    /** Wraps the operation `name` (where the browser has it): `around` gets the call to make. */
    const wrap = (name: string, around: (pc: RTCPeerConnection, call: () => unknown, args: IArguments) => unknown): void => {
      const fn = original(name);
      if (typeof fn === 'function') {
        define(name, method(fn, function (args) {
          return around(this, () => fn.apply(this, args), args);
        }));
      }
    };
    wrap('addEventListener', (pc, call, args) => {
      const type = args[0];
      // Track before the page's listener lands, so ours (filter, state update) run first.
      if (type === 'connectionstatechange' || type === 'iceconnectionstatechange') ensureTracked(pc);
      const result = call();
      if (type === 'iceconnectionstatechange') keepLast(pc);
      return result;
    });
    TRACKING_CALLS.forEach((name) => wrap(name, (pc, call, args) => {
      ensureTracked(pc);
      const result = call();
      // A remote candidate handed over: see connection.ts `candidateGiven`.
      const c = args[0] as RTCIceCandidateInit | null | undefined;
      return name === 'addIceCandidate' && c && c.candidate ? candidateGiven(pc, result) : result;
    }));
    // Chromium 71 can deadlock in close() while the shim's promise-form getStats() is in flight:
    // then the real close() follows when that read settles (connection.ts closeSafely).
    wrap('close', closeSafely);
  } catch (e) {
    try {
      restore();
    } catch (ignored) {
      // Nothing more can be undone; the reason below says what went wrong.
    }
    return skipped('cannot patch: ' + e);
  }

  setActive(true);
  const mark: Mark = {
    snapshot,
    uninstall() {
      if (g[INSTALL_KEY] !== mark) return;
      setActive(false);
      restore();
      delete g[INSTALL_KEY];
    },
  };
  g[INSTALL_KEY] = mark;
  return { installed: true, reason: '', uninstall: mark.uninstall };
}

/** True when a copy of this shim is installed in this realm. */
export function isInstalled(): boolean {
  return !!g[INSTALL_KEY];
}

/** True when the browser itself implements `connectionState` (and the shim is not standing in). */
export function isSupported(): boolean {
  return nativeStateGetter() !== null;
}
