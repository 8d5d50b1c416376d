/**
 * rtc-connection-state-shim/explain — why a connection's state is what it is: the transports the
 * browser exposes, their states, and the W3C rule that gives the value. For logs and bug reports;
 * not part of the self-installing script (it would only make it bigger).
 *
 * On a connection the shim tracks, it explains the shim's own derivation (src/derive.ts), with
 * what the shim's getStats() reads said: it cannot contradict `pc.connectionState`. On any other
 * connection (native, or no shim) it derives the same way from what it reads itself.
 *
 * @packageDocumentation
 */
import { derive, DTLS_TRANSPORTS, ICE_STATS, ICE_TRANSPORTS, DTLS_STATS, ICE_CONNECTION_STATE, NO_DTLS, type Derivation, type Sources } from './derive.js';
import { gatherSources } from './sources.js';
import { collectTransports, transceiversOf, type TransportSet } from './transports.js';
import { iceFromStats, readLegacyStates, readStatsStates, type StatsStates } from './stats.js';
import { G } from './global.js';

/** One transport as the explanation lists it. */
export interface TransportReport {
  /** 1-based, in the order of the connection's transceivers, then `pc.sctp`. */
  index: number;
  kind: 'dtls' | 'ice';
  state: string;
  /** The transceivers' `mid`s (and "data" for `pc.sctp`) carried over this transport. */
  carries: string[];
}

/**
 * Where the ICE state the rules used came from: the ICE transports; `iceConnectionState` (no ICE
 * transport exposed); "held" (a "disconnected" that Chromium < 75 folded in from a DTLS
 * close_notify, held while the selected pair stays writable); "no remote candidate"
 * (`iceConnectionState` says "checking" in Chromium < 75, but no remote candidate is known yet);
 * `getStats()` (where `iceConnectionState` says "disconnected").
 */
export type IceSource = 'ice transports' | 'iceConnectionState' | 'held' | 'no remote candidate' | 'getStats()';

/** Where the DTLS states the rules used came from ("not seen yet": ICE is up, the stats have not spoken). */
export type DtlsSource = 'dtls transports' | 'getStats()' | 'iceConnectionState' | 'not seen yet' | 'none';

/** derive.ts's codes, named (in the order of its constants). */
const ICE_SOURCES: IceSource[] = ['ice transports', 'iceConnectionState', 'held', 'no remote candidate', 'getStats()'];
const DTLS_SOURCES: DtlsSource[] = ['dtls transports', 'getStats()', 'iceConnectionState', 'not seen yet', 'none'];

/** Why `connectionState` is what it is. */
export interface Explanation {
  /** What `pc.connectionState` reads now (the shim's value, or the browser's). */
  value: RTCPeerConnectionState | undefined;
  /** What the W3C rules give over the states below. */
  computed: RTCPeerConnectionState;
  /** The rule that matched, in one sentence, e.g. `failed: DTLS transport 2 (mid 1) is "failed"`. */
  reason: string;
  /** The ICE state the rules used, and where it came from. */
  ice: { state: RTCIceConnectionState; source: IceSource };
  /** Where the DTLS states the rules used came from. */
  dtlsSource: DtlsSource;
  transports: TransportReport[];
  /** The `getStats()` states the rules used, where they were read: the last resort for hidden transports. */
  stats?: { ice: string[]; dtls: string[] };
}

function carriers(pc: RTCPeerConnection, transport: RTCDtlsTransport): string[] {
  const out: string[] = [];
  const transceivers = transceiversOf(pc);
  for (let i = 0; i < transceivers.length; i++) {
    const t = transceivers[i];
    if (t.sender.transport === transport || t.receiver.transport === transport) out.push('mid ' + (t.mid === null ? '?' : t.mid));
  }
  if (pc.sctp && pc.sctp.transport === transport) out.push('data');
  return out;
}

function describe(t: TransportReport): string {
  return (t.kind === 'dtls' ? 'DTLS' : 'ICE') + ' transport ' + t.index + (t.carries.length ? ' (' + t.carries.join(', ') + ')' : '');
}

interface Mark {
  snapshot?(pc: RTCPeerConnection): { derived: Derivation; transports: TransportSet } | null | undefined;
}

/** The installed shim's derivation for `pc` (any copy on the page: the mark is global), or null. */
function shimSnapshot(pc: RTCPeerConnection) {
  // Through G: a bare globalThis throws in Chromium < 71 and Firefox < 65 (scripts/floor.mjs).
  const mark = (G as unknown as Record<symbol, Mark | undefined>)[Symbol.for('rtc-connection-state-shim')];
  return mark && mark.snapshot ? mark.snapshot(pc) : null;
}

/**
 * What one stats read said, as the stats memory would hold it (prober/memory.ts): ICE only where
 * iceConnectionState says "disconnected", DTLS as rule states (the legacy form says only "up",
 * connected, or not).
 */
function statsOf(pc: RTCPeerConnection, set: TransportSet, s: StatsStates | null): Sources['learnt'] {
  if (!s) return {};
  const exposedDisconnected = !set.ice.length && pc.iceConnectionState === 'disconnected';
  return {
    ice: exposedDisconnected ? iceFromStats(s, false, false) : undefined,
    dtls: s.dtls.length ? s.dtls.map((d) => d === '?' || d === '' ? 'connecting' : d) : undefined,
    blind: !s.dtls.length && !s.consentPairs,
    consentPairs: s.consentPairs,
  };
}

/**
 * Explains the connection's state now, synchronously. Where the shim tracks `pc`, this is the
 * shim's own derivation; elsewhere it is derived from what the browser exposes, without
 * `getStats()` (see {@link explain}).
 */
export function explainNow(pc: RTCPeerConnection): Explanation {
  return describeAll(pc, null);
}

function describeAll(pc: RTCPeerConnection, read: StatsStates | null): Explanation {
  const closed = pc.signalingState === 'closed';
  const snap = closed ? null : shimSnapshot(pc);
  const set = closed ? { dtls: [], ice: [] } : snap ? snap.transports : collectTransports(pc);
  // Firefox's description getters throw once the connection is closed: nothing to read then.
  const d: Derivation = snap ? snap.derived : closed ? CLOSED : derive(gatherSources(pc, set, 'new', null, false, statsOf(pc, set, read)));
  const computed: RTCPeerConnectionState = closed ? 'closed' : d.value;
  const transports: TransportReport[] = [];
  set.dtls.forEach((t, i) => transports.push({ index: i + 1, kind: 'dtls', state: t.state, carries: carriers(pc, t) }));
  set.ice.forEach((t, i) => {
    const owner = set.dtls.filter((x) => x.iceTransport === t)[0];
    transports.push({ index: i + 1, kind: 'ice', state: t.state, carries: owner ? carriers(pc, owner) : [] });
  });
  const ice = d.ice;
  const iceText = 'ICE is "' + ice + '"' + (d.iceFrom === ICE_TRANSPORTS ? '' : ' (' + ICE_FROM[d.iceFrom] + ')');
  const dtlsReports = transports.filter((t) => t.kind === 'dtls');
  const first = (state: (s: string) => boolean) => dtlsReports.filter((t) => state(t.state))[0];
  const dtlsFrom = d.dtlsFrom === DTLS_TRANSPORTS ? 'exposed' : DTLS_SOURCES[d.dtlsFrom];
  let reason: string;
  if (computed === 'closed') {
    reason = 'closed: close() was called';
  } else if (computed === 'failed') {
    const bad = first((s) => s === 'failed');
    reason = 'failed: ' + (bad ? describe(bad) + ' is "failed"'
      : ice === 'failed' ? iceText : 'DTLS is "failed" (' + dtlsFrom + ')');
  } else if (computed === 'disconnected') {
    reason = 'disconnected: ' + iceText;
  } else if (computed === 'new') {
    reason = 'new: ' + iceText + ' and no DTLS transport has started';
  } else if (computed === 'connected') {
    reason = 'connected: ' + iceText + (d.dtls.length
      ? ' and every DTLS transport (' + d.dtls.length + ', ' + dtlsFrom + ') is "connected" or "closed"'
      : ' and no DTLS transport is exposed');
  } else {
    const pending = first((s) => s !== 'connected' && s !== 'closed');
    reason = 'connecting: ' + (ice !== 'connected' && ice !== 'completed' ? iceText
      : pending ? describe(pending) + ' is "' + pending.state + '"' : 'DTLS is still handshaking (' + dtlsFrom + ')');
  }
  const out: Explanation = {
    value: pc.connectionState,
    computed,
    reason,
    ice: { state: closed ? 'closed' : ice, source: ICE_SOURCES[d.iceFrom] },
    dtlsSource: DTLS_SOURCES[d.dtlsFrom],
    transports,
  };
  if (d.dtlsFrom === DTLS_STATS || d.iceFrom === ICE_STATS) out.stats = { ice: d.iceFrom === ICE_STATS ? [d.ice] : [], dtls: d.dtls.slice() };
  return out;
}

const CLOSED: Derivation = {
  value: 'closed', ice: 'closed', iceFrom: ICE_CONNECTION_STATE, dtls: [], dtlsFrom: NO_DTLS, need: 'none', heldAs: null, exposed: 'closed',
};

/** What the explanation says of each ICE source (by derive.ts's code). */
const ICE_FROM = [
  '',
  'iceConnectionState; no ICE transport exposed',
  'iceConnectionState says "disconnected", a DTLS close_notify folded in; the selected pair is still writable',
  'iceConnectionState says "checking", but no remote candidate is known yet',
  'getStats(), where iceConnectionState says "disconnected"',
];

/**
 * Explains the connection's state. Where the shim tracks `pc`, this is {@link explainNow}: the
 * shim's own derivation, with what its own getStats() reads said. Elsewhere it reads `getStats()`
 * once (the legacy callback form first where it exists: Chromium 71's promise form can deadlock
 * `close()`), and resolves with {@link explainNow}'s answer if the stats cannot be read.
 */
export function explain(pc: RTCPeerConnection): Promise<Explanation> {
  if (pc.signalingState === 'closed' || shimSnapshot(pc) || typeof pc.getStats !== 'function') return Promise.resolve(explainNow(pc));
  return readLegacyStates(pc).then(undefined, () => readStatsStates(pc)).then(
    (s) => describeAll(pc, s),
    () => explainNow(pc),
  );
}
