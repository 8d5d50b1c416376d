/**
 * rtc-connection-state-shim — import this before your app code: it installs the shim when the
 * browser lacks `RTCPeerConnection.prototype.connectionState`, and does nothing elsewhere
 * (a modern browser, Node, SSR, a worker). The same API as `rtc-connection-state-shim/fn`.
 *
 * @packageDocumentation
 */
import { install } from './install.js';

export * from './fn.js';

install();
