// What the test page set up (see web-test-runner.config.mjs) and how to read the oracle.

export type Mode = 'native' | 'forced' | 'script' | 'esm' | 'double' | 'api';

interface ShimTest {
  mode: Mode;
  nativeGet?: (this: RTCPeerConnection) => RTCPeerConnectionState;
}

const env = (window as unknown as { __shimTest: ShimTest }).__shimTest;

export const mode: Mode = env.mode;
/** True when the page's `connectionState` comes from the shim. */
export const shimmed = mode !== 'native' && mode !== 'api';
export const isFirefox = /firefox/i.test(navigator.userAgent);
export const isChromium = !isFirefox && /chrom/i.test(navigator.userAgent);

/** The browser's own value, read through the getter saved before the shim was loaded. */
export function nativeState(pc: RTCPeerConnection): RTCPeerConnectionState | undefined {
  return env.nativeGet ? env.nativeGet.call(pc) : undefined;
}

/**
 * Records what page code sees: each `connectionstatechange` through addEventListener and through
 * the handler, with the value read inside the event, and whether the browser sent it (isTrusted).
 */
export interface Recorder {
  listener: string[];
  handler: string[];
  trusted: number;
  /** The native value read at each of our events (the oracle, where there is one). */
  nativeAtEvent: Array<RTCPeerConnectionState | undefined>;
}

export function record(pc: RTCPeerConnection): Recorder {
  const r: Recorder = { listener: [], handler: [], trusted: 0, nativeAtEvent: [] };
  pc.addEventListener('connectionstatechange', (e) => {
    if (e.isTrusted && shimmed) r.trusted++;
    r.listener.push(pc.connectionState);
    r.nativeAtEvent.push(nativeState(pc));
  });
  pc.onconnectionstatechange = () => {
    r.handler.push(pc.connectionState);
  };
  return r;
}
