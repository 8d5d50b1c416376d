/**
 * The classic-script entry (dist/rtc-connection-state-shim.min.js): where the page has an
 * `RTCPeerConnection`, installs itself when the browser lacks `connectionState` and exposes the
 * API as the global `RTCConnectionStateShim`; elsewhere (Node, SSR, a worker) it does nothing.
 * A second copy on the same page finds the first one's mark and only sets the global if missing.
 */
import { G as g } from './global.js';
import { install, isInstalled, isSupported } from './install.js';
import { aggregateIceState, computeConnectionState } from './rules.js';

/** The API of the self-installing script: the global `RTCConnectionStateShim`. */
export interface ScriptApi {
  install: typeof install;
  isInstalled: typeof isInstalled;
  isSupported: typeof isSupported;
  aggregateIceState: typeof aggregateIceState;
  computeConnectionState: typeof computeConnectionState;
}

declare global {
  /**
   * The API of the self-installing script (`rtc-connection-state-shim/script`), set where the page
   * has an `RTCPeerConnection`.
   */
  // eslint-disable-next-line no-var
  var RTCConnectionStateShim: ScriptApi | undefined;
}

if (typeof g.RTCPeerConnection === 'function') {
  install();
  // A plain object (not the module namespace rollup would freeze): the smaller script.
  if (!g.RTCConnectionStateShim) g.RTCConnectionStateShim = { install, isInstalled, isSupported, aggregateIceState, computeConnectionState };
}
