/**
 * When to read `getStats()` next: a pure function of what the connection needs and how long it has
 * needed it. No timers, no browser objects; unit-tested in Node (test/node/schedule.test.mjs).
 *
 * Stats are the last-resort source (stats.ts): asynchronous, and in Chromium 71 the promise form
 * can deadlock `close()` (prober/hold.ts). So every phase is bounded: reads back off and then stop, and
 * only a change the browser exposes (an ICE or signaling event, a transport `statechange`, a
 * negotiation call) starts a new phase.
 */

/** Why the connection wants stats now. */
export type Need =
  /** Nothing: every value the rules need is exposed, or the value is final. */
  | 'none'
  /**
   * No DTLS transport is exposed: while "connecting", whether DTLS is up (or failed); just after
   * "connected", whether the side whose own fingerprint check passed is failed by the peer's alert.
   */
  | 'dtls'
  /**
   * Chromium < 75 folds DTLS into `iceConnectionState`: a "disconnected" is held at "connected"
   * while the selected pair stays writable (a peer's close_notify, not a loss of ICE consent).
   */
  | 'held'
  /** "disconnected": whether ICE has really failed (Chromium hides it: crbug 982793). */
  | 'disconnected';

/**
 * One phase: the need, how many reads it has had, and how long it has lasted.
 * @shimOwn
 */
export interface Phase {
  need: Need;
  /** The value is "connected" (for `dtls`: the settle reads after connecting). */
  valueConnected: boolean;
  /** Reads done (settled or not) since the phase began. */
  reads: number;
  /** Milliseconds since the phase began. */
  elapsed: number;
  /** For `held`: no read has answered the hold yet (one that settled could not judge it). */
  unjudged?: boolean;
  /**
   * For `held`: ICE does not fold DTLS in (Chromium ≥ 76), so the hold only asks whether ICE
   * failed outright; its first read waits {@link STALE_MS}. During an ICE restart 76 says
   * "disconnected" for 27–160 ms; native 76 showed the 65 ms one and not the 27 ms one, and a read
   * at once made the shim show both (test/peers).
   */
  ownIce?: boolean;
}

/** The first read of a `dtls` phase comes at once, then 8, 16, 32 … ms apart. */
export const FIRST_MS = 8;
/** …up to this interval while "connecting" (a DTLS handshake is a few round trips). */
export const DTLS_CEILING_MS = 1000;
/** Reads after "connected" in a `dtls` phase (8 … 250 ms apart, ~0.75 s in all). */
export const SETTLE_READS = 8;
/** A held "disconnected" is re-read this often… */
export const HELD_MS = 500;
/**
 * …or on this grid from the hold's start after a read that could not judge it: an empty report,
 * or a legacy one gathered before the hold began. Chromium gathers that report anew only 50 ms
 * after it last did (its StatsCollector's minimum period) and hands out the old one until then, so
 * one gathered before the hold is fresh 50 ms into it at the latest; a re-read 50 ms after such a
 * read settled comes later than that (64's "disconnected" came 52–58 ms after ICE's in a CI run of
 * test/net, the timing of one). Waiting the 500 ms instead, Chromium 67's "disconnected" after a
 * server kill trailed ICE's by 419 ms (test/peers, a page beside two slowed ones).
 */
export const STALE_MS = 50;
/** …for this many reads at most (a report that never judges it, e.g. an empty one, is read 500 ms apart). */
export const STALE_READS = 4;
/**
 * …except from 1 s before this many ms into the hold to {@link CONSENT_LATE_MS}: native 74 reports
 * the loss of ICE consent ~5.1 s after a browser peer's close_notify (measured: 5,040–5,085 ms;
 * 5.7 s in shared/notes) and 6.9–7.0 s after Janus's (its hangup: test/peers), and 500 ms reads
 * trailed it by up to ~0.5 s.
 */
export const CONSENT_LOST_MS = 5500;
export const CONSENT_LATE_MS = 8000;
/** "disconnected" is re-read this often… (Chromium fails at ~15 s, Firefox at ~29 s) */
export const DISCONNECTED_MS = 1000;
/**
 * …except near this many ms into it: Chromium (76 measured: 10.00 s after, at 15.04–15.08 s) fails
 * ICE 10 s after "disconnected", both timers running from the peer's last answer, so reads 1 s
 * apart that began at the "disconnected" each fell just before the failure, trailing it by ~0.9 s.
 */
export const ICE_FAILS_MS = 10000;
/** Within 1 s of such a moment, reads come this often. */
export const NEAR_MS = 100;
/** No phase reads for longer than this: past it the value rests on what is exposed. */
export const PHASE_BOUND_MS = 30000;

/**
 * Milliseconds until the next read, or -1 for none (the phase is over or needs nothing).
 * - `dtls`: 0, 8, 16, … doubling to 1 s while "connecting"; after "connected" at most
 *   {@link SETTLE_READS} reads in all, no more than 250 ms apart;
 * - `held`: at once, then every 500 ms (100 ms from 4.5 to 8 s; on a 50 ms grid while no read has
 *   judged it, for the first {@link STALE_READS} reads); `disconnected`: every 1 s
 *   (100 ms from 9 to 11 s);
 * - every phase stops after {@link PHASE_BOUND_MS}.
 */
export function nextRead(p: Phase): number {
  if (p.need === 'none' || p.elapsed >= PHASE_BOUND_MS) return -1;
  if (p.need === 'held') return !p.reads ? (p.ownIce ? STALE_MS : 0) : p.unjudged && p.reads < STALE_READS ? STALE_MS - (p.elapsed % STALE_MS) : p.elapsed >= CONSENT_LOST_MS - 1000 && p.elapsed <= CONSENT_LATE_MS ? NEAR_MS : HELD_MS;
  if (p.need === 'disconnected') {
    // On the phase's own grid (1 s, 100 ms near ICE's failure), whatever the reads before took:
    // after 76's held read (50 ms in) reads 1 s apart fell 50 ms after the moment ICE fails.
    const step = near(p.elapsed, ICE_FAILS_MS, DISCONNECTED_MS);
    return step - (p.elapsed % step);
  }
  if (p.valueConnected && p.reads >= SETTLE_READS) return -1;
  if (!p.reads) return 0;
  // 8 << 7 = 1024: clamp the shift so the interval cannot overflow, then cap it.
  return Math.min(p.valueConnected ? 250 : DTLS_CEILING_MS, FIRST_MS << Math.min(p.reads - 1, 7));
}

/** `slow`, or {@link NEAR_MS} within 1 s of `due` (when the browser's own timer is due). */
function near(elapsed: number, due: number, slow: number): number {
  return Math.abs(elapsed - due) <= 1000 ? NEAR_MS : slow;
}
