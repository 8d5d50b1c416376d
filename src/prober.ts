/**
 * One connection's `getStats()` reads: the timer, the read in flight, what the last reads said
 * (the stats memory), and the engine-safe way to read. connection.ts says what it needs
 * (schedule.ts `Need`); this file decides how and when, and calls back with the connection.
 *
 * The engine-safe read. In Chromium 71, `close()` while a promise-form `getStats()` is in flight
 * can deadlock the renderer for good (measured with shared/tools/close-hang.mjs: 2 hangs in 144
 * closes with reads every 8 ms; 0 in 507 with the legacy callback form). So where the legacy form
 * exists (Chromium until ~M117), it is the form read. It cannot tell a DTLS handshake under way
 * from a failed one (stats.ts), so the promise form is read only to settle that one question: when
 * legacy reads {@link CONFIRM_MS} apart show ICE working and DTLS not up, a state that lasts a
 * few round trips in a healthy handshake and forever in a failed one.
 *
 * Nothing here keeps a connection alive that the page dropped: where WeakRef exists the timer
 * holds the connection weakly; elsewhere every phase is bounded (schedule.ts).
 */
import { G } from './global.js';
import { nextRead, type Need, type Phase } from './schedule.js';
import { iceFromStats, readLegacyStates, readStatsStates, type StatsStates } from './stats.js';

/**
 * A stall is confirmed with the promise form once it has lasted this long (ms), or
 * {@link CONFIRM_RTTS} round trips of the selected pair where that is longer, then after twice as
 * long each time. A healthy loopback handshake with media stalls for up to ~40 ms in 71; over a
 * real network a DTLS handshake takes two round trips and some processing, and a confirm read
 * within it would hold a close() back for nothing (test/node/prober-legacy.test.mjs).
 */
const CONFIRM_MS = 100;
const CONFIRM_RTTS = 4;
/** A read that has not settled after this long no longer blocks the next one (ms). */
const READ_TIMEOUT_MS = 5000;

/** Whether the legacy callback form works here: unknown until first tried. */
let legacyForm: boolean | null = null;

interface Ref {
  deref(): RTCPeerConnection | undefined;
}

/** The stats memory and the read state of one connection. */
export interface Prober {
  /** While the exposed ICE state is "disconnected": what stats say ICE is (undefined: not read). */
  ice?: RTCIceConnectionState;
  /** DTLS states from stats, for a connection whose DTLS transports are hidden (undefined: not read). */
  dtls?: string[];
  /** The stats have no DTLS state here: rely on what is exposed. */
  blind?: boolean;
  /** The last read showed Chromium's legacy pair semantics (stats.ts); undefined before any read. */
  legacy?: boolean;
  /**
   * Whether the exposed ICE state is "disconnected", or a "checking" that stands for a held one
   * (derive.ts; set by the owner before each plan): only then do the reads judge ICE.
   */
  exposedDisconnected?: boolean;
  /** No ICE transport is exposed, so a "disconnected" may fold in DTLS (stats.ts). */
  folded?: boolean;
  /** The engine folds DTLS into iceConnectionState (Chromium < 75; connection.ts `folding`). */
  folds?: boolean;
  ref: Ref;
  timer?: ReturnType<typeof setTimeout> | 0;
  /** When the read in flight began (0 or undefined: none in flight). */
  inFlight?: number;
  /** The phase: its need and key, when it began and its reads (set by the first `plan`, before any read). */
  key?: string;
  need?: Need;
  connected?: boolean;
  since?: number;
  /** Milliseconds since the phase began, as of the last `arm` (schedule.ts `Phase`). */
  elapsed?: number;
  reads?: number;
  /** When legacy reads first showed the current stall (0 or undefined: none), or it was last confirmed. */
  stallSince?: number;
  /** Promise-form reads that confirmed the current stall. */
  confirms: number;
  /** The selected pairs' round-trip time (ms) by the last legacy read that said one. */
  rtt?: number;
  /** The legacy form's transports (ids) seen with DTLS up. */
  up: string[];
  /** The transports (ids) of the last legacy read. */
  seen: string[];
  /** DTLS was known up before a legacy read listed the transports: the next read's count as up. */
  upPending?: boolean;
  /** Called with the connection after each read that settled; never after stop(). */
  onRead: (pc: RTCPeerConnection) => void;
  stopped?: boolean;
  /** The install era it last planned in (see `newEra`): a timer from an older one ends quietly. */
  era: number;
  /** A `watch()` follows the connection: it reads in every era (connection.ts `follow`). */
  followed?: boolean;
  /** The read in flight is a promise-form read in an engine with Chromium 71's hazard (`read`). */
  risky?: boolean;
  /** A page's close() held back until that read settles (see {@link deferClose}). */
  deferred?: (() => void);
}

function now(): number {
  return Date.now();
}

/** A new prober for `pc`; `onRead` gets the connection back after each settled read. */
export function createProber(pc: RTCPeerConnection, onRead: (pc: RTCPeerConnection) => void): Prober {
  // Read as a property: Chromium < 84 has no WeakRef, and a bare name would throw there.
  const W = G.WeakRef;
  // The rest starts out undefined: read as false, null or 0 where it is used.
  return {
    ref: W ? new W(pc) : { deref: () => pc },
    confirms: 0,
    up: [],
    seen: [],
    onRead,
    era,
  };
}

/**
 * Says what the connection needs now; `key` names the situation (a new key starts a new phase).
 * Schedules the next read, or cancels the pending one when nothing is needed.
 */
export function plan(p: Prober, need: Need, connected: boolean, key: string): void {
  if (p.stopped) return;
  // Planned by a live install: a prober from before an uninstall() reads again.
  p.era = era;
  if (key !== p.key) {
    p.key = key;
    p.since = now();
    p.reads = 0;
  }
  p.need = need;
  p.connected = connected;
  arm(p);
}

function arm(p: Prober): void {
  p.elapsed = now() - p.since!;
  // The phase fields are set: `plan` runs before any `arm`.
  const delay = nextRead(p as Phase);
  if (delay < 0) return cancel(p);
  if (p.timer) return;
  // One read at a time: while one is in flight the next waits for it, or for READ_TIMEOUT_MS
  // when it never settles (a wrapping library's getStats() that hangs).
  let wait = p.inFlight ? Math.max(delay, p.inFlight + READ_TIMEOUT_MS - now()) : delay;
  // A stall is confirmed as soon as it is old enough, not at the next backed-off read.
  if (p.stallSince && !p.inFlight) wait = Math.min(wait, Math.max(0, confirmAt(p) - now()));
  p.timer = setTimeout(() => {
    p.timer = 0;
    read(p);
  }, wait);
}

/** No more reads, and no callback from one in flight (close()). */
export function stop(p: Prober): void {
  p.stopped = true;
  cancel(p);
}

/** Cancels the pending read. */
function cancel(p: Prober): void {
  clearTimeout(p.timer);
  p.timer = 0;
}

/**
 * Counts uninstalls: a prober reads only in the era it last planned in, so after uninstall() the
 * timers and reads of the installed shim end quietly; a prober that plans again (a record in use
 * again after a new install(), or one a `watch()` follows) reads on.
 */
let era = 0;

/** A new era (uninstall()): every prober stops reading until it plans again. */
export function newEra(): void {
  era++;
}

/** When the current stall is to be confirmed: CONFIRM_MS (or CONFIRM_RTTS round trips) after it began, doubling per confirm. */
function confirmAt(p: Prober): number {
  return p.stallSince! + (Math.max(CONFIRM_MS, CONFIRM_RTTS * (p.rtt || 0)) << Math.min(p.confirms, 8));
}

/** Reads may go on: not stopped, and planned since the last uninstall() or followed by a watch(). */
function reading(p: Prober): boolean {
  return !p.stopped && (p.era === era || !!p.followed);
}

function read(p: Prober): void {
  const pc = p.ref.deref();
  if (!reading(p) || !pc) return;
  if (p.inFlight && now() - p.inFlight < READ_TIMEOUT_MS) return arm(p);
  const confirm = !!p.stallSince && now() >= confirmAt(p);
  const legacy = legacyForm !== false && !confirm;
  const started = (p.inFlight = now());
  const key = p.key;
  // Where the engine has the hazard, whatever a wrapper made of the legacy form: Chromium that
  // folds DTLS into iceConnectionState (< 75; the deadlock was found in 69, 71 and 72). An SDK's
  // getStats() that rejects the callback form (loaded before the shim) leaves only promise-form
  // reads there, and each must hold close() back as well (test/old stress, reject-callback).
  p.risky = !legacy && (legacyForm === true || !!p.folds);
  const settle = (states: StatsStates | null): void => {
    if (p.risky) runDeferred(p);
    if (p.inFlight !== started) return; // timed out and superseded by a later read
    p.inFlight = 0;
    p.risky = false;
    p.reads!++;
    if (!reading(p)) return;
    if (states) learn(p, states, legacy, confirm, key === p.key);
    const target = p.ref.deref();
    if (!target) return;
    p.onRead(target);
    cancel(p);
    arm(p);
  };
  // A wrapping library's getStats() that throws: a failed read, counted; tracking goes on.
  new Promise<StatsStates>((resolve) => resolve(legacy ? readLegacyStates(pc) : readStatsStates(pc))).then(
    (states) => {
      if (legacy) legacyForm = true;
      settle(states);
    },
    () => {
      if (legacy && legacyForm === null) {
        // No callback form here (Firefox, Chromium >= ~117): from now on the promise form.
        legacyForm = false;
        p.inFlight = 0;
        read(p);
      } else {
        settle(null);
      }
    },
  );
}

/**
 * Chromium 71 deadlocks its renderer for good when `close()` runs while a promise-form
 * `getStats()` is in flight (measured with test/old/stress.js and a probe: close() in the same
 * task as the call hung 21 of 30 times, 5 ms later 8 of 263, once the read had settled 0 of 313).
 * The one such read the shim makes there confirms a stalled DTLS handshake (`read`). If the page
 * calls close() during it, `run` (the real close()) is held back until that read settles, a few
 * milliseconds later, or READ_TIMEOUT_MS at most. Returns whether it was held back (the caller
 * holds back a close() that comes while one is).
 */
export function deferClose(p: Prober, run: () => void): boolean {
  if (!p.inFlight || !p.risky) return false;
  p.deferred = run;
  setTimeout(() => runDeferred(p), READ_TIMEOUT_MS);
  return true;
}

function runDeferred(p: Prober): void {
  const run = p.deferred;
  p.deferred = undefined;
  if (run) run();
}

/** Stores what a settled read said: the stats memory connection.ts reads. */
function learn(p: Prober, s: StatsStates, legacy: boolean, confirmed: boolean, samePhase: boolean): void {
  // Only a held "disconnected" may be overruled by a writable pair (derive.ts).
  // What ICE is, only from a report of this phase: one read before the ICE event, one the
  // browser gathered before it (the legacy form's snapshot can be ~50 ms old: stats.ts
  // `gathered`; one from before the pair was writable turned a held "connected" into
  // "disconnected" in 74, in one CI run), or a promise-form confirm (it answers DTLS only) would
  // judge a hold by stale facts. An empty legacy report (seen in 71 a few ms after the peer's
  // close_notify) says nothing either.
  // A read that cannot judge leaves the last answer standing (the owner clears it when the
  // "disconnected" is over).
  if (p.exposedDisconnected && samePhase && !confirmed && s.transports && !(s.gathered! < p.since!)) {
    p.ice = iceFromStats(s, !!p.folded && p.need === 'held', !!p.folds);
  }
  if (confirmed) {
    // The promise form answered the stall; ask it again only after twice as long. What it saw up
    // counts as up: the legacy form shows DTLS up some milliseconds later (measured in 71).
    p.stallSince = now();
    p.confirms++;
    if (s.dtls.length) p.dtls = s.dtls;
    // "closed" too: a transport closes after its handshake (the peer's close_notify).
    if (s.dtls.length && s.dtls.every((d) => d === 'connected' || d === 'closed')) markUp(p);
    return;
  }
  p.legacy = s.legacy;
  if (s.rtt) p.rtt = s.rtt;
  // A stall is a transport whose ICE works and whose DTLS is not up, while the value needs DTLS
  // (`dtls`: connecting, or the few settle reads after "connected"), whether or not it was seen up
  // before: the side whose own fingerprint check passed has DTLS up for a few ms until the peer's
  // alert fails it (a legacy read may land in them), and a peer may close mid-handshake; only the
  // promise form tells "failed" from "closed". Outside `dtls` (a held "disconnected" after a
  // peer's close_notify, when the page is likely to close(): Chromium 71's hazard) no stall.
  let stalled = false;
  for (let i = 0; i < s.dtls.length; i++) if (s.dtls[i] === '?') stalled = p.need === 'dtls';
  if (!stalled) p.confirms = 0;
  p.stallSince = stalled ? p.stallSince || now() : 0;
  // The promise form with no DTLS state (Firefox has no transport entries) never will have one;
  // the legacy form lists no transport until ICE starts.
  if (!s.dtls.length) p.blind = !legacy;
  else if (!legacy) p.dtls = s.dtls;
  else if (!p.dtls || p.dtls.indexOf('failed') < 0) p.dtls = mapLegacy(p, s);
  // A "failed" that the promise form confirmed is final: the legacy form cannot say otherwise.
}

/**
 * DTLS is known to be up on every transport the last legacy read listed: a promise-form read said
 * so, or the browser's own iceConnectionState did where it folds in DTLS (connection.ts).
 */
export function markUp(p: Prober): void {
  for (let i = 0; i < p.seen.length; i++) if (p.up.indexOf(p.seen[i]) < 0) p.up.push(p.seen[i]);
  p.upPending = !p.seen.length;
  if (!p.dtls || p.dtls.indexOf('failed') < 0) p.dtls = p.seen.length ? p.seen.map(() => 'connected') : ['connected'];
}

/** Legacy DTLS facts as rule states: up is "connected"; gone after being up, "closed". */
function mapLegacy(p: Prober, s: StatsStates): string[] {
  p.seen = s.ids;
  if (p.upPending && s.ids.length) {
    p.upPending = false;
    p.up = p.up.concat(s.ids);
  }
  return s.dtls.map((d, i) => {
    const was = p.up.indexOf(s.ids[i]) >= 0;
    if (d === 'connected' && !was) p.up.push(s.ids[i]);
    return d === 'connected' ? d : was ? 'closed' : 'connecting';
  });
}
