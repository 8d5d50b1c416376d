// A real loopback pair in one page: trickle ICE relayed in the page, offer/answer with optional
// SDP edits, data channel or synthetic media (canvas video, oscillator audio). No devices needed.

export interface Pair {
  pc1: RTCPeerConnection;
  pc2: RTCPeerConnection;
  /** Closes both ends (safe to call twice). */
  close(): void;
}

const opened: RTCPeerConnection[] = [];

/** Relays pc's candidates to `other`, holding them until `other` has a remote description. */
function relay(from: RTCPeerConnection, to: RTCPeerConnection): void {
  const held: RTCIceCandidate[] = [];
  const flush = () => {
    // Order matters: Firefox's remoteDescription getter throws once the connection is closed.
    if (to.signalingState === 'closed' || !to.remoteDescription) return;
    while (held.length) {
      try {
        to.addIceCandidate(held.shift()!).catch(() => {});
      } catch (e) {
        // Firefox throws synchronously once `to` is closed.
      }
    }
  };
  from.addEventListener('icecandidate', (e) => {
    if (!e.candidate) return;
    held.push(e.candidate);
    flush();
  });
  to.addEventListener('signalingstatechange', flush);
}

export function makePair(config?: RTCConfiguration): Pair {
  const pc1 = new RTCPeerConnection(config);
  const pc2 = new RTCPeerConnection(config);
  relay(pc1, pc2);
  relay(pc2, pc1);
  opened.push(pc1, pc2);
  return {
    pc1,
    pc2,
    close() {
      pc1.close();
      pc2.close();
    },
  };
}

/** Closes every connection the helpers made (call from afterEach). */
export function closeAll(): void {
  while (opened.length) opened.pop()!.close();
}

export interface NegotiateOptions {
  /** Edits the offer's SDP before pc2 applies it. */
  editOffer?: (sdp: string) => string;
  /** Edits the answer's SDP before pc1 applies it. */
  editAnswer?: (sdp: string) => string;
}

/** One offer/answer round from pc1 to pc2. */
export async function negotiate(pc1: RTCPeerConnection, pc2: RTCPeerConnection, opts: NegotiateOptions = {}) {
  const offer = await pc1.createOffer();
  await pc1.setLocalDescription(offer);
  await pc2.setRemoteDescription(opts.editOffer ? { type: 'offer', sdp: opts.editOffer(offer.sdp!) } : offer);
  const answer = await pc2.createAnswer();
  await pc2.setLocalDescription(answer);
  const sdp = opts.editAnswer ? opts.editAnswer(answer.sdp!) : answer.sdp!;
  await pc1.setRemoteDescription({ type: 'answer', sdp });
}

/** Flips one hex digit of every a=fingerprint: the DTLS handshake then fails (ICE still works). */
export function breakFingerprint(sdp: string): string {
  return sdp.replace(/(a=fingerprint:\S+ )([0-9A-F])/gi, (_m, head: string, digit: string) => {
    const flipped = digit.toUpperCase() === 'A' ? 'B' : 'A';
    return head + flipped;
  });
}

/** Removes BUNDLE so every m-section gets a transport of its own. */
export function unbundle(sdp: string): string {
  return sdp.replace(/a=group:BUNDLE[^\r\n]*\r\n/g, '');
}

/** A video track drawn on a canvas, and an audio track from an oscillator. */
export function syntheticTracks(): { video: MediaStreamTrack; audio: MediaStreamTrack; stop(): void } {
  const canvas = document.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const ctx = canvas.getContext('2d')!;
  let frame = 0;
  const timer = setInterval(() => {
    ctx.fillStyle = `hsl(${(frame++ * 13) % 360}, 80%, 50%)`;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }, 50);
  const video = (canvas as HTMLCanvasElement & { captureStream(fps: number): MediaStream })
    .captureStream(20).getVideoTracks()[0];
  const audioCtx = new AudioContext();
  const osc = audioCtx.createOscillator();
  const dest = audioCtx.createMediaStreamDestination();
  osc.connect(dest);
  osc.start();
  const audio = dest.stream.getAudioTracks()[0];
  return {
    video,
    audio,
    stop() {
      clearInterval(timer);
      video.stop();
      audio.stop();
      osc.stop();
      audioCtx.close();
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Resolves when `check()` holds, polling every 5 ms; rejects after `timeout` ms. */
export async function until(check: () => boolean, timeout: number, what: string): Promise<void> {
  const end = Date.now() + timeout;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await sleep(5);
  }
}
