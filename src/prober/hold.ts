/**
 * Chromium 71's `close()` hazard: `close()` while a promise-form `getStats()` is in flight can
 * deadlock the renderer for good (measured with test/old/stress.js and a probe: close() in the
 * same task as the call hung 21 of 30 times, 5 ms later 8 of 263, once the read had settled 0 of
 * 313; shared/tools/close-hang.mjs). The read loop (loop.ts) marks such a read here while it is in
 * flight; a page's close() meanwhile is held back until it settles, a few milliseconds later, or
 * {@link READ_TIMEOUT_MS} at most.
 */

/** A read that has not settled after this long no longer blocks the next one, nor a close() (ms). */
export const READ_TIMEOUT_MS = 5000;

/**
 * One connection's hold.
 * @shimOwn
 */
export interface Hold {
  /** A promise-form read is in flight in an engine with the hazard. */
  risky?: boolean;
  /** The page's close(), held back until that read settles. */
  deferred?: () => void;
}

/**
 * Whether a promise-form read may deadlock a close() here: the engine has the legacy callback form
 * (`callbackForm`, learnt from the first read) or folds DTLS into iceConnectionState (Chromium
 * < 75, where the deadlock was found: 69, 71 and 72). The second is the engine's own: an SDK's
 * getStats() that rejects the callback form, loaded before the shim, leaves only promise-form
 * reads there, and each must hold close() back as well (test/old stress, reject-callback).
 */
export function hazard(callbackForm: boolean | null, dtlsInIce: boolean): boolean {
  return callbackForm === true || dtlsInIce;
}

/** Holds `run` (the real close()) back while a risky read is in flight; returns whether it did. */
export function holdClose(h: Hold, run: () => void): boolean {
  if (!h.risky) return false;
  h.deferred = run;
  setTimeout(() => release(h), READ_TIMEOUT_MS);
  return true;
}

/** A risky read settled (or timed out): a held close() runs now. */
export function release(h: Hold): void {
  const run = h.deferred;
  h.deferred = undefined;
  if (run) run();
}
