/**
 * Which connections the shim tracks, and whether it is installed. Per-connection state lives in a
 * WeakMap, never on the connection object.
 */
import { forgetHandlers } from './events.js';
import { newEra } from './prober/loop.js';
import type { ConnectionRecord } from './record.js';

/**
 * A tracked connection: its record, and the state of its listeners (dispatch.ts).
 * @shimOwn
 */
export interface Tracked extends ConnectionRecord {
  /**
   * The `iceconnectionstatechange` event our first listener saw: while it is being dispatched
   * (`eventPhase` not NONE), we are inside it, whether or not a page listener stops it before our
   * last listener runs.
   */
  iceEvent?: Event;
  /** A listener was added during that dispatch; move our last listener behind it afterwards. */
  moveLast?: boolean;
  /** Our last `iceconnectionstatechange` listener. */
  tail: () => void;
  /** Removes the listeners dispatch.ts added. */
  unlistenAll: () => void;
  /** Where `watch()` follows the connection (connection.ts `follow`): gets each announced change. */
  onAnnounce?: (state: RTCPeerConnectionState) => void;
  /** The install it was last used under (see {@link generation}). */
  adoptedIn?: number;
}

export const records = new WeakMap<RTCPeerConnection, Tracked>();

/** Cleared by uninstall: listeners left on live connections then do nothing. */
export let active = false;
/** Counts installs: a record first used under a new one adopts a handler set meanwhile. */
export let generation = 0;

/**
 * Turns the tracking machinery on (install) or off (uninstall). Off: the listeners left on live
 * connections do nothing, the installed shim's reads stop (prober/loop.ts `newEra`), and handlers
 * set through the shim are forgotten; connections a `watch()` follows go on. On again: each record
 * comes back at its next use, re-derived, and reads again, with what its reads had learnt.
 */
export function setActive(on: boolean): void {
  active = on;
  if (on) generation++;
  else {
    newEra();
    forgetHandlers();
  }
}

/** The shim is installed or `watch()` follows `pc`: its record is kept up to date. */
export function followed(rec: Tracked): boolean {
  return active || !!rec.onAnnounce;
}

/** {@link followed}, and `rec` is still the record of `pc`. */
export function live(pc: RTCPeerConnection, rec: Tracked): boolean {
  return followed(rec) && records.get(pc) === rec;
}
