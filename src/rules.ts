/**
 * The pure rules of webrtc-pc (W3C), with no access to any browser object.
 *
 * Sections: "RTCIceConnectionState Enum" and "RTCPeerConnectionState Enum" (the table rewritten by
 * w3c/webrtc-pc PR #2828, 2023). The older wording on MDN counts per transport and treats a DTLS
 * transport in "connecting" differently; it is deliberately not followed here.
 */

/** What the connection state is derived from. */
export interface ConnectionStateInput {
  /** True once `close()` has been called (the connection's [[IsClosed]] slot). */
  closed: boolean;
  /** The aggregate ICE connection state (see {@link aggregateIceState}). */
  ice: RTCIceConnectionState;
  /** The state of every DTLS transport of the connection (duplicates are harmless). */
  dtls: readonly RTCDtlsTransportState[];
}

/** Every state in `list` is `state` or "closed" (true for an empty list). */
function only(list: readonly string[], state: string): boolean {
  return list.every((s) => s === state || s === 'closed');
}

/**
 * The ICE connection state from the states of the connection's ICE transports
 * ("RTCIceConnectionState Enum"; first matching row wins).
 */
export function aggregateIceState(
  states: readonly RTCIceTransportState[],
  closed = false,
): RTCIceConnectionState {
  if (closed) return 'closed';
  if (states.includes('failed')) return 'failed';
  if (states.includes('disconnected')) return 'disconnected';
  if (only(states, 'new')) return 'new';
  if (states.includes('new') || states.includes('checking')) return 'checking';
  if (only(states, 'completed')) return 'completed';
  return 'connected';
}

/**
 * The connection state ("RTCPeerConnectionState Enum"; first matching row wins).
 *
 * One deliberate reading: the spec's "connected" row names only the ICE state "connected", so a
 * literal reading sends ICE "completed" (every check done, a pair nominated) to "connecting".
 * "completed" is a strictly later stage of a working connection, Chromium reports "connected"
 * there, and so did the spec before PR #2828; so does this shim.
 */
export function computeConnectionState(input: ConnectionStateInput): RTCPeerConnectionState {
  const { ice, dtls } = input;
  if (input.closed || ice === 'closed') return 'closed';
  if (ice === 'failed' || dtls.includes('failed')) return 'failed';
  if (ice === 'disconnected') return 'disconnected';
  if (ice === 'new' && only(dtls, 'new')) return 'new';
  return (ice === 'connected' || ice === 'completed') && only(dtls, 'connected') ? 'connected' : 'connecting';
}
