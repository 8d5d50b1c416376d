/**
 * The classic-script entry (dist/rtc-connection-state-shim.min.js): installs itself when the
 * browser lacks `connectionState` and exposes the API as the global `RTCConnectionStateShim`.
 * A second copy on the same page finds the first one's mark and only sets the global if missing.
 */
import * as api from './fn.js';
import { getGlobal } from './install.js';

declare global {
  /** The API of the self-installing script (`rtc-connection-state-shim/script`), as a global. */
  // eslint-disable-next-line no-var
  var RTCConnectionStateShim: typeof api | undefined;
}

api.install();
const g = getGlobal();
if (!g.RTCConnectionStateShim) g.RTCConnectionStateShim = api;
