/**
 * The global object of a page, a worker or Node. Firefox < 65 and legacy Edge have no
 * `globalThis`: a bare `globalThis.X` would throw there, so every global is read through this.
 */
export const G = (typeof globalThis === 'object' ? globalThis : self) as typeof globalThis & {
  webkitRTCPeerConnection?: unknown;
  RTCIceTransport?: unknown;
  WeakRef?: new <T extends object>(target: T) => { deref(): T | undefined };
};
