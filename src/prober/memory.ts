/**
 * What one connection's `getStats()` reads have learnt: the stats memory that derive.ts reads as
 * the last-resort source. Written here only, from two places: a settled read (`learn`), and what
 * the exposed states said at the last plan (`note`), both called by the read loop (loop.ts).
 */
import type { Need } from '../schedule.js';
import { iceFromStats, type StatsStates } from '../stats.js';

/**
 * The stats memory of one connection.
 * @shimOwn
 */
export interface StatsMemory {
  /** While the exposed ICE state is "disconnected": what stats say ICE is (undefined: not read). */
  ice?: RTCIceConnectionState;
  /** DTLS states from stats, for a connection whose DTLS transports are hidden (undefined: not read). */
  dtls?: string[];
  /** The stats have no DTLS state here: rely on what is exposed. */
  blind?: boolean;
  /**
   * The last read showed Chromium's consent pairs (stats.ts `consentPairs`): its selected pairs'
   * `writable` follows ICE consent. Undefined before any read.
   */
  consentPairs?: boolean;
  /** The selected pairs' round-trip time (ms) by the last legacy read that said one. */
  pairRtt?: number;
  /** The legacy form's transports (ids) seen with DTLS up. */
  up: string[];
  /** The transports (ids) of the last legacy read. */
  seen: string[];
  /** DTLS was known up before a legacy read listed the transports: the next read's count as up. */
  upPending?: boolean;
  /** When legacy reads first showed the current stall (0 or undefined: none), or it was last confirmed. */
  stallSince?: number;
  /** Promise-form reads that confirmed the current stall. */
  confirms: number;
}

/**
 * What the exposed states say at one moment, as the record plans reads with it (loop.ts `plan`).
 * @shimOwn
 */
export interface Situation {
  /** What the connection needs from the stats now (schedule.ts). */
  need: Need;
  /** The value is "connected" (for `dtls`: the settle reads after connecting). */
  valueConnected: boolean;
  /** Names the situation: a new one starts a new phase of reads (schedule.ts). */
  phaseKey: string;
  /**
   * The exposed ICE state is "disconnected", or a "checking" that stands for a held one
   * (derive.ts): only then do the reads judge ICE.
   */
  judgeIce: boolean;
  /** No ICE transport is exposed, so a "disconnected" may fold in DTLS (stats.ts). */
  iceHidden: boolean;
  /** The engine folds DTLS into iceConnectionState (Chromium < 75; transports.ts). */
  dtlsInIce: boolean;
  /** iceConnectionState said "connected" where it folds in DTLS: DTLS is up (derive.ts `DTLS_FROM_ICE`). */
  upByIce: boolean;
}

/** A connection's empty memory. Fields not given start out undefined: read as false or null. */
export function newMemory(): StatsMemory {
  return { up: [], seen: [], confirms: 0 };
}

/**
 * Takes in what the exposed states say now: DTLS known up by iceConnectionState is remembered as
 * the stats would (a close_notify later takes DTLS down, and that is "closed", not
 * "connecting"); the stats' answer about ICE is forgotten once the "disconnected" is over.
 */
export function note(m: StatsMemory, s: Situation): void {
  if (s.upByIce) markUp(m);
  if (!s.judgeIce) m.ice = undefined;
}

/** When the current stall is to be confirmed: `wait` after it began, doubling per confirm. */
export function confirmAt(m: StatsMemory, wait: number): number {
  return m.stallSince! + (wait << Math.min(m.confirms, 8));
}

/**
 * How a settled read was made, and in which phase.
 * @shimOwn
 */
export interface ReadContext {
  /** Made with the legacy callback form. */
  viaCallback: boolean;
  /** A promise-form read confirming a stall. */
  confirmed: boolean;
  /** Still the phase the read began in. */
  samePhase: boolean;
  /** When that phase began (ms since the epoch). */
  phaseSince: number;
}

/** Stores what a settled read said. */
export function learn(m: StatsMemory, st: StatsStates, s: Situation, c: ReadContext): void {
  // Only a held "disconnected" may be overruled by a writable pair (derive.ts).
  // What ICE is, only from a report of this phase: one read before the ICE event, one the
  // browser gathered before it (the legacy form's snapshot can be ~50 ms old: stats.ts
  // `gathered`; one from before the pair was writable turned a held "connected" into
  // "disconnected" in 74, in one CI run), or a promise-form confirm (it answers DTLS only) would
  // judge a hold by stale facts. An empty legacy report (seen in 71 a few ms after the peer's
  // close_notify) says nothing either.
  // A read that cannot judge leaves the last answer standing (`note` clears it when the
  // "disconnected" is over).
  if (s.judgeIce && c.samePhase && !c.confirmed) {
    // Only a "disconnected" folded in from DTLS is held while the pair stays writable; a hold
    // where ICE does not fold DTLS in asks only whether ICE failed (derive.ts).
    if (st.transports && !(st.gathered! < c.phaseSince)) m.ice = iceFromStats(st, s.iceHidden && s.dtlsInIce && s.need === 'held', s.dtlsInIce, s.need === 'held');
    // That question waits for no second read: a "disconnected" can last less (76, an ICE restart
    // after an outage: 65 ms, native reported it, test/peers). The "disconnected" shows.
    else if (!s.dtlsInIce && s.need === 'held') m.ice = 'disconnected';
  }
  if (c.confirmed) {
    // The promise form answered the stall; ask it again only after twice as long. What it saw up
    // counts as up: the legacy form shows DTLS up some milliseconds later (measured in 71).
    m.stallSince = Date.now();
    m.confirms++;
    if (st.dtls.length) m.dtls = st.dtls;
    // "closed" too: a transport closes after its handshake (the peer's close_notify).
    if (st.dtls.length && st.dtls.every((d) => d === 'connected' || d === 'closed')) markUp(m);
    return;
  }
  m.consentPairs = st.consentPairs;
  if (st.pairRtt) m.pairRtt = st.pairRtt;
  // A stall is a transport whose ICE works and whose DTLS is not up, while the value needs DTLS
  // (`dtls`: connecting, or the few settle reads after "connected"), whether or not it was seen up
  // before: the side whose own fingerprint check passed has DTLS up for a few ms until the peer's
  // alert fails it (a legacy read may land in them), and a peer may close mid-handshake; only the
  // promise form tells "failed" from "closed". Outside `dtls` (a held "disconnected" after a
  // peer's close_notify, when the page is likely to close(): Chromium 71's hazard) no stall.
  let stalled = false;
  for (let i = 0; i < st.dtls.length; i++) if (st.dtls[i] === '?') stalled = s.need === 'dtls';
  if (!stalled) m.confirms = 0;
  m.stallSince = stalled ? m.stallSince || Date.now() : 0;
  // The promise form with no DTLS state (Firefox has no transport entries) never will have one;
  // the legacy form lists no transport until ICE starts.
  if (!st.dtls.length) m.blind = !c.viaCallback;
  else if (!c.viaCallback) m.dtls = st.dtls;
  else if (!m.dtls || !m.dtls.includes('failed')) m.dtls = mapLegacy(m, st);
  // A "failed" that the promise form confirmed is final: the legacy form cannot say otherwise.
}

/**
 * DTLS is known to be up on every transport the last legacy read listed: a promise-form read said
 * so, or the browser's own iceConnectionState did where it folds in DTLS.
 */
function markUp(m: StatsMemory): void {
  for (let i = 0; i < m.seen.length; i++) if (!m.up.includes(m.seen[i])) m.up.push(m.seen[i]);
  m.upPending = !m.seen.length;
  if (!m.dtls || !m.dtls.includes('failed')) m.dtls = m.seen.length ? m.seen.map(() => 'connected') : ['connected'];
}

/** Legacy DTLS facts as rule states: up is "connected"; gone after being up, "closed". */
function mapLegacy(m: StatsMemory, st: StatsStates): string[] {
  m.seen = st.ids;
  if (m.upPending && st.ids.length) {
    m.upPending = false;
    m.up = m.up.concat(st.ids);
  }
  return st.dtls.map((d, i) => {
    const was = m.up.includes(st.ids[i]);
    if (d === 'connected' && !was) m.up.push(st.ids[i]);
    return d === 'connected' ? d : was ? 'closed' : 'connecting';
  });
}
