/**
 * When to read one connection's `getStats()`, and the read itself: the timer, the read in flight,
 * the engine-safe form. The record (record.ts) says what the connection needs (`plan`, with a
 * {@link Situation}); the schedule (schedule.ts) says when; a settled read goes into the stats
 * memory (memory.ts) and the record is called back with the connection.
 *
 * The engine-safe read. In Chromium 71, `close()` while a promise-form `getStats()` is in flight
 * can deadlock the renderer for good (hold.ts; 0 hangs in 507 closes with the legacy callback
 * form). So where the legacy form exists (Chromium until ~M117), it is the form read. It cannot
 * tell a DTLS handshake under way from a failed one (stats.ts), so the promise form is read only
 * to settle that one question: when legacy reads show ICE working and DTLS not up for longer than
 * a healthy handshake takes ({@link CONFIRM_MS}, or {@link CONFIRM_RTTS} round trips).
 *
 * Nothing here keeps a connection alive that the page dropped: where WeakRef exists the timer
 * holds the connection weakly; elsewhere every phase is bounded (schedule.ts).
 */
import { G } from '../global.js';
import { nextRead, type Phase } from '../schedule.js';
import { readLegacyStates, readStatsStates, type StatsStates } from '../stats.js';
import { hazard, release, READ_TIMEOUT_MS, type Hold } from './hold.js';
import { confirmAt, learn, newMemory, note, type Situation, type StatsMemory } from './memory.js';

/**
 * A stall is confirmed with the promise form once it has lasted this long (ms), or
 * {@link CONFIRM_RTTS} round trips of the selected pair where that is longer, then after twice as
 * long each time. A healthy loopback handshake with media stalls for up to ~40 ms in 71; over a
 * real network a DTLS handshake takes two round trips and some processing, and a confirm read
 * within it would hold a close() back for nothing (test/node/prober-legacy.test.mjs).
 */
const CONFIRM_MS = 100;
const CONFIRM_RTTS = 4;
/**
 * Until its first confirm, a stall (a handshake under way) is read at least this often (ms), then
 * twice as long after each confirm: the value then follows DTLS up within it, where the
 * backed-off reads of the `dtls` phase (8 … 1,000 ms apart) trailed native by 206 ms (Chromium 76,
 * a 200 ms round trip: test/net "slow path"), and reads 100 ms apart, then backed off after the
 * confirm, by 178 ms (76 to Chromium 156 in another process, on a loaded machine: test/peers).
 * Legacy reads only: the confirms (promise form) keep their own times. Bounded: they double.
 */
const STALL_READ_MS = 20;

/** Whether the legacy callback form works here: unknown until first tried. */
let callbackForm: boolean | null = null;

/**
 * Counts uninstalls: a reader reads only in the era it last planned in, so after uninstall() the
 * timers and reads of the installed shim end quietly; one that plans again (a record in use again
 * after a new install(), or one a `watch()` follows) reads on.
 */
let era = 0;

interface Ref {
  deref(): RTCPeerConnection | undefined;
}

/**
 * One connection's read loop.
 * @shimOwn
 */
export interface Reader extends Phase {
  /** What the reads learnt. */
  learnt: StatsMemory;
  /** The close() hold of Chromium 71's hazard. */
  hold: Hold;
  /** The situation last planned (undefined before the first `plan`, which comes before any read). */
  situation?: Situation;
  /** When the phase (its need, reads and how long it has lasted: schedule.ts) began. */
  phaseSince: number;
  pcRef: Ref;
  timer?: ReturnType<typeof setTimeout> | 0;
  /** When the read in flight began (0 or undefined: none in flight). */
  inFlight?: number;
  /** Called with the connection after each read that settled; never after `stop`. */
  onRead: (pc: RTCPeerConnection) => void;
  halted?: boolean;
  /** The install era it last planned in (see `newEra`): a timer from an older one ends quietly. */
  planned: number;
  /** A `watch()` follows the connection: it reads in every era (connection.ts `follow`). */
  followed?: boolean;
}

/** A new read loop for `pc`; `onRead` gets the connection back after each settled read. */
export function createReader(pc: RTCPeerConnection, onRead: (pc: RTCPeerConnection) => void): Reader {
  // Read as a property: Chromium < 84 has no WeakRef, and a bare name would throw there.
  const W = G.WeakRef;
  return {
    learnt: newMemory(),
    hold: {},
    need: 'none',
    valueConnected: false,
    reads: 0,
    elapsed: 0,
    phaseSince: 0,
    pcRef: W ? new W(pc) : { deref: () => pc },
    onRead,
    planned: era,
  };
}

/**
 * Says what the connection exposes and needs now. The memory takes in what the exposed states
 * say (memory.ts `note`); a new `phaseKey` starts a new phase. Schedules the next read, or
 * cancels the pending one when nothing is needed.
 */
export function plan(r: Reader, s: Situation): void {
  note(r.learnt, s);
  if (r.halted) return;
  // Planned by a live install: a reader from before an uninstall() reads again.
  r.planned = era;
  if (!r.situation || s.phaseKey !== r.situation.phaseKey) {
    r.phaseSince = Date.now();
    r.reads = 0;
  }
  r.situation = s;
  r.need = s.need;
  r.valueConnected = s.valueConnected;
  arm(r);
}

function confirmDue(r: Reader): number {
  return confirmAt(r.learnt, Math.max(CONFIRM_MS, CONFIRM_RTTS * (r.learnt.pairRtt || 0)));
}

function arm(r: Reader): void {
  r.elapsed = Date.now() - r.phaseSince;
  r.unjudged = r.learnt.ice === undefined;
  r.ownIce = !r.situation!.dtlsInIce;
  const delay = nextRead(r);
  if (delay < 0) return cancel(r);
  if (r.timer) return;
  // One read at a time: while one is in flight the next waits for it, or for READ_TIMEOUT_MS
  // when it never settles (a wrapping library's getStats() that hangs).
  let wait = r.inFlight ? Math.max(delay, r.inFlight + READ_TIMEOUT_MS - Date.now()) : delay;
  // A stall is confirmed as soon as it is old enough, not at the next backed-off read.
  if (r.learnt.stallSince && !r.inFlight) wait = Math.min(wait, Math.max(0, confirmDue(r) - Date.now()), STALL_READ_MS << r.learnt.confirms);
  r.timer = setTimeout(() => {
    r.timer = 0;
    read(r);
  }, wait);
}

/** No more reads, and no callback from one in flight (close()). */
export function stop(r: Reader): void {
  r.halted = true;
  cancel(r);
}

/** Cancels the pending read. */
function cancel(r: Reader): void {
  clearTimeout(r.timer);
  r.timer = 0;
}

/** A new era (uninstall()): every reader stops reading until it plans again. */
export function newEra(): void {
  era++;
}

/** Reads may go on: not stopped, and planned since the last uninstall() or followed by a watch(). */
function reading(r: Reader): boolean {
  return !r.halted && (r.planned === era || !!r.followed);
}

function read(r: Reader): void {
  const pc = r.pcRef.deref();
  if (!reading(r) || !pc) return;
  if (r.inFlight && Date.now() - r.inFlight < READ_TIMEOUT_MS) return arm(r);
  const confirmed = !!r.learnt.stallSince && Date.now() >= confirmDue(r);
  const callback = callbackForm !== false && !confirmed;
  const started = (r.inFlight = Date.now());
  const key = r.situation!.phaseKey;
  const hold = r.hold;
  hold.risky = !callback && hazard(callbackForm, r.situation!.dtlsInIce);
  const settle = (states: StatsStates | null): void => {
    if (hold.risky) release(hold);
    if (r.inFlight !== started) return; // timed out and superseded by a later read
    r.inFlight = 0;
    hold.risky = false;
    r.reads++;
    if (!reading(r)) return;
    const now = r.situation!;
    if (states) learn(r.learnt, states, now, { viaCallback: callback, confirmed, samePhase: key === now.phaseKey, phaseSince: r.phaseSince });
    const target = r.pcRef.deref();
    if (!target) return;
    r.onRead(target);
    cancel(r);
    arm(r);
  };
  // A wrapping library's getStats() that throws: a failed read, counted; tracking goes on.
  new Promise<StatsStates>((resolve) => resolve(callback ? readLegacyStates(pc) : readStatsStates(pc))).then(
    (states) => {
      if (callback) callbackForm = true;
      settle(states);
    },
    () => {
      if (callback && callbackForm === null) {
        // No callback form here (Firefox, Chromium >= ~117): from now on the promise form.
        callbackForm = false;
        r.inFlight = 0;
        read(r);
      } else {
        settle(null);
      }
    },
  );
}
