// A loopback pair with a data channel, for the bundled apps (test/bundlers/run.mjs). `follow(pcs,
// connected)` subscribes to both connections and calls `connected()` once both are; resolves with
// the connections then, or rejects after `ms`. Plain ES2017, as an app's own code must be for the
// old devices (docs/bundling.md).
export function pair(follow, ms) {
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  const pcs = [pc1, pc2];
  pc1.onicecandidate = (e) => { if (e.candidate) pc2.addIceCandidate(e.candidate).catch(() => {}); };
  pc2.onicecandidate = (e) => { if (e.candidate) pc1.addIceCandidate(e.candidate).catch(() => {}); };
  pc1.createDataChannel('app');
  const done = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not "connected" in ${ms} ms`)), ms);
    follow(pcs, () => {
      clearTimeout(timer);
      resolve(pcs);
    });
  });
  return pc1.createOffer()
    .then((offer) => pc1.setLocalDescription(offer))
    .then(() => pc2.setRemoteDescription(pc1.localDescription))
    .then(() => pc2.createAnswer())
    .then((answer) => pc2.setLocalDescription(answer))
    .then(() => pc1.setRemoteDescription(pc2.localDescription))
    .then(() => done);
}

/** Whether the page's RTCPeerConnection.prototype has a `connectionState` of any kind, and from whom. */
export function accessor() {
  const d = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState');
  if (!d || !d.get) return 'none';
  return /\[native code\]/.test(Function.prototype.toString.call(d.get)) ? 'native' : 'patched';
}
