/**
 * The ponyfill: follow one connection's state without patching anything, for libraries that
 * cannot change their users' `RTCPeerConnection.prototype`. The same machinery as the installed
 * shim (connection.ts): the same sources, rules, stats path and event order, one implementation.
 */
import { closeSafely, follow, peekState } from './connection.js';

/** Options for {@link watch}. */
export interface WatchOptions {
  /**
   * Derive the state with the shim even where the connection has its own `connectionState`
   * (a native one, or the installed shim's). Without it, `watch()` follows that one.
   */
  force?: boolean;
}

/** What {@link watch} returns. */
export interface Watcher {
  /** The connection's state now; after {@link Watcher.stop}, the last state it had. */
  readonly state: RTCPeerConnectionState;
  /**
   * Stops following: `onChange` is not called again, and the listeners, transport subscriptions
   * and `getStats()` reads the watcher added are removed. Idempotent.
   */
  stop(): void;
  /**
   * Closes the connection. Use it rather than `pc.close()` where Chromium 71 may run: there a
   * `close()` during the one promise-form `getStats()` read the shim makes (a stalled DTLS
   * handshake) can deadlock the renderer, and this holds the browser's `close()` back until
   * that read settles, as the installed shim does with `pc.close()`.
   */
  close(): void;
}

/**
 * Follows `pc`'s connection state: `onChange(state, pc)` is called on each change, as a
 * `connectionstatechange` listener would be, and the returned {@link Watcher} reads the state now.
 * Where `pc` has its own `connectionState` (a native one, or the installed shim's), it follows
 * that one; elsewhere (Chrome < 72, Firefox < 113) it derives the state as the shim would, with
 * nothing patched, no event dispatched, and nothing left behind after `stop()`. As with the
 * native event, nothing is called when `pc` is closed by `close()`.
 */
export function watch(
  pc: RTCPeerConnection,
  onChange: (state: RTCPeerConnectionState, pc: RTCPeerConnection) => void,
  options: WatchOptions = {},
): Watcher {
  let stopped = false;
  if (!options.force && 'connectionState' in pc) {
    const listener = (): void => {
      if (!stopped) onChange(pc.connectionState, pc);
    };
    pc.addEventListener('connectionstatechange', listener);
    let last = pc.connectionState;
    return {
      get state() {
        return stopped ? last : (last = pc.connectionState);
      },
      stop() {
        if (stopped) return;
        last = pc.connectionState;
        stopped = true;
        pc.removeEventListener('connectionstatechange', listener);
      },
      close() {
        pc.close();
      },
    };
  }
  const end = follow(pc, (state) => onChange(state, pc));
  let last: RTCPeerConnectionState = peekState(pc) || 'new';
  return {
    get state() {
      return stopped ? last : (last = peekState(pc) || last);
    },
    stop() {
      if (stopped) return;
      last = peekState(pc) || last;
      stopped = true;
      end();
    },
    close() {
      closeSafely(pc, () => pc.close());
    },
  };
}
