import { explainNow } from '../../dist/explain.js';

// Watches one connection from both sides at once: the browser's own value (the oracle, read
// through the getter saved before the shim loaded) and what page code sees from the shim.

export interface PeerLog {
  /** Every native value seen, de-duplicated: native events, reads at every event, a 4 ms sampler. */
  native: string[];
  /** The shim's values: "new", then the value inside each event, then "closed" after close(). */
  shim: string[];
  /** The value read inside each `connectionstatechange` listener call. */
  events: string[];
  /** The value read inside each call of `onconnectionstatechange`. */
  handler: string[];
  nativeFinal: string;
  shimFinal: string;
  /** The longest stretch (ms) in which the shim's getter and the native getter disagreed. */
  maxLagMs: number;
  /** Events whose value equals the one before: the shim must fire once per change. */
  duplicates: number;
  /** Browser events that reached page listeners: only the shim's may. */
  trusted: number;
  /** Times `explainNow(pc)` (rtc-connection-state-shim/explain) computed another value than the getter. */
  explainDiffers: string[];
}

const env = (window as unknown as { __shimTest: { nativeGet: (this: RTCPeerConnection) => string } }).__shimTest;
// Saved before any test code runs: a listener added this way bypasses the shim's patched
// addEventListener, so it goes first and sees the browser's trusted events before the shim stops them.
const addRaw = EventTarget.prototype.addEventListener;

export interface Observer {
  /** The browser's own value now. */
  native(): string;
  /** Stops sampling and returns the log. */
  stop(): PeerLog;
}

export function observe(pc: RTCPeerConnection): Observer {
  const nativeGet = env.nativeGet;
  const native: string[] = [nativeGet.call(pc)];
  const events: string[] = [];
  const handler: string[] = [];
  const explainDiffers: string[] = [];
  let trusted = 0;
  // The explanation must never contradict the value: checked at every shim event and at the end.
  const checkExplain = (when: string) => {
    const value = pc.connectionState;
    const why = explainNow(pc);
    if (why.computed !== value) explainDiffers.push(`${when}: value ${value}, explainNow ${why.computed} (${why.reason})`);
  };
  const noteNative = () => {
    const v = nativeGet.call(pc);
    if (native[native.length - 1] !== v) native.push(v);
  };
  addRaw.call(pc, 'connectionstatechange', noteNative, true);
  addRaw.call(pc, 'iceconnectionstatechange', noteNative, true);
  addRaw.call(pc, 'signalingstatechange', noteNative, true);
  pc.addEventListener('connectionstatechange', (e) => {
    if (e.isTrusted) trusted++;
    events.push(pc.connectionState);
    noteNative();
    checkExplain('event ' + events.length);
  });
  pc.onconnectionstatechange = () => {
    handler.push(pc.connectionState);
  };
  let maxLag = 0;
  let since = -1;
  const timer = setInterval(() => {
    noteNative();
    const now = performance.now();
    if (pc.connectionState === nativeGet.call(pc)) since = -1;
    else if (since < 0) since = now;
    else maxLag = Math.max(maxLag, now - since);
  }, 4);
  return {
    native: () => nativeGet.call(pc),
    stop() {
      clearInterval(timer);
      noteNative();
      checkExplain('end');
      const shimFinal = pc.connectionState;
      const shim = ['new'].concat(events);
      let duplicates = 0;
      for (let i = 1; i < shim.length; i++) if (shim[i] === shim[i - 1]) duplicates++;
      if (shimFinal === 'closed' && shim[shim.length - 1] !== 'closed') shim.push('closed');
      return {
        native,
        shim,
        events,
        handler,
        nativeFinal: nativeGet.call(pc),
        shimFinal,
        maxLagMs: Math.round(maxLag),
        duplicates,
        trusted,
        explainDiffers,
      };
    },
  };
}

/**
 * Whether the shim agreed with the browser on this connection, and if not, how. `sequence` holds
 * a difference in the sequence of values; `faults` everything else (final value, duplicate or
 * browser events reaching the page, a handler that saw something else than the listeners).
 */
export function compare(log: PeerLog): { sequence: string[]; faults: string[] } {
  const sequence: string[] = [];
  const problems: string[] = [];
  if (log.native.join() !== log.shim.join()) sequence.push(`sequence: native ${log.native.join('→')}, shim ${log.shim.join('→')}`);
  if (log.nativeFinal !== log.shimFinal) problems.push(`final: native ${log.nativeFinal}, shim ${log.shimFinal}`);
  if (log.duplicates) problems.push(`${log.duplicates} duplicate event(s)`);
  if (log.trusted) problems.push(`${log.trusted} browser event(s) reached page listeners`);
  if (log.handler.join() !== log.events.join()) problems.push(`handler saw ${log.handler.join('→') || 'nothing'}`);
  for (const d of log.explainDiffers) problems.push(`explanation contradicts the value at ${d}`);
  return { sequence, faults: problems };
}
