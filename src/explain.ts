/**
 * rtc-connection-state-shim/explain — why a connection's state is what it is: the transports the
 * browser exposes, their states, and the W3C rule that gives the value. For logs and bug reports;
 * not part of the self-installing script (it would only make it bigger).
 *
 * It reads the connection afresh and works on any connection: shimmed, native, or neither.
 *
 * @packageDocumentation
 */
import { aggregateIceState, computeConnectionState } from './rules.js';
import { collectTransports, transceiversOf } from './transports.js';
import { readStatsStates } from './stats.js';

/** One transport as the explanation lists it. */
export interface TransportReport {
  /** 1-based, in the order of the connection's transceivers, then `pc.sctp`. */
  index: number;
  kind: 'dtls' | 'ice';
  state: string;
  /** The transceivers' `mid`s (and "data" for `pc.sctp`) carried over this transport. */
  carries: string[];
}

/** Why `connectionState` is what it is. */
export interface Explanation {
  /** What `pc.connectionState` reads now (the shim's value, or the browser's). */
  value: RTCPeerConnectionState | undefined;
  /** What the W3C rules give over the states below. */
  computed: RTCPeerConnectionState;
  /** The rule that matched, in one sentence, e.g. `failed: DTLS transport 2 (mid 1) is "failed"`. */
  reason: string;
  /** The ICE state the rules used, and where it came from. */
  ice: { state: RTCIceConnectionState; source: 'ice transports' | 'iceConnectionState' };
  transports: TransportReport[];
  /** `getStats()` transport entries, when read (see {@link explain}): the last resort for hidden transports. */
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

/**
 * Explains the connection's state from what the browser exposes now (synchronously, without
 * `getStats()`). See {@link explain} for the version that also reads the stats.
 */
export function explainNow(pc: RTCPeerConnection, stats?: { ice: string[]; dtls: string[] }): Explanation {
  const closed = pc.signalingState === 'closed';
  const set = closed ? { dtls: [], ice: [] } : collectTransports(pc);
  const transports: TransportReport[] = [];
  set.dtls.forEach((t, i) => transports.push({ index: i + 1, kind: 'dtls', state: t.state, carries: carriers(pc, t) }));
  set.ice.forEach((t, i) => {
    const owner = set.dtls.filter((d) => d.iceTransport === t)[0];
    transports.push({ index: i + 1, kind: 'ice', state: t.state, carries: owner ? carriers(pc, owner) : [] });
  });
  const ice = set.ice.length ? aggregateIceState(set.ice.map((t) => t.state), closed) : pc.iceConnectionState;
  let dtls: string[] = set.dtls.map((t) => t.state);
  let dtlsFrom = 'exposed';
  if (!dtls.length && stats && stats.dtls.length) {
    dtls = stats.dtls;
    dtlsFrom = 'getStats()';
  }
  const computed = computeConnectionState({ closed, ice, dtls: dtls as RTCDtlsTransportState[] });
  const iceSource = set.ice.length ? 'ice transports' : 'iceConnectionState';
  const iceText = 'ICE is "' + ice + '"' + (set.ice.length ? '' : ' (iceConnectionState; no ICE transport exposed)');
  const dtlsReports = transports.filter((t) => t.kind === 'dtls');
  const first = (state: (s: string) => boolean) => dtlsReports.filter((t) => state(t.state))[0];
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
    reason = 'connected: ' + iceText + (dtls.length
      ? ' and every DTLS transport (' + dtls.length + ', ' + dtlsFrom + ') is "connected" or "closed"'
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
    ice: { state: ice, source: iceSource },
    transports,
  };
  if (stats) out.stats = stats;
  return out;
}

/**
 * Explains the connection's state, reading `getStats()` too (where the browser hides the DTLS
 * transports, their state is only there). Resolves with {@link explainNow}'s answer if the stats
 * cannot be read.
 */
export function explain(pc: RTCPeerConnection): Promise<Explanation> {
  if (pc.signalingState === 'closed' || typeof pc.getStats !== 'function') return Promise.resolve(explainNow(pc));
  return readStatsStates(pc).then(
    (s) => explainNow(pc, { ice: s.ice, dtls: s.dtls }),
    () => explainNow(pc),
  );
}
