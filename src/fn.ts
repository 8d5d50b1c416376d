/**
 * rtc-connection-state-shim/fn — the side-effect-free API. Importing it changes nothing; call
 * {@link install} yourself.
 *
 * @packageDocumentation
 */
export { install, isInstalled, isSupported } from './install.js';
export type { InstallOptions, InstallResult } from './install.js';
export { aggregateIceState, computeConnectionState } from './rules.js';
export { watch } from './watch.js';
export type { Watcher, WatchOptions } from './watch.js';
export type { ConnectionStateInput } from './rules.js';
