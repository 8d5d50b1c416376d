// For page.evaluate() from Node (Playwright): one loopback connection in the page, as page code
// would make it; returns whether the shim is installed (and forced over a native getter) and the
// connectionstatechange events seen ("trusted " marks the browser's own). Self-contained: it is
// serialised into the page.
export async function connectInPage() {
  const pc1 = new RTCPeerConnection();
  const pc2 = new RTCPeerConnection();
  pc1.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate);
  pc2.onicecandidate = (e) => e.candidate && pc1.addIceCandidate(e.candidate);
  const events = [];
  pc1.addEventListener('connectionstatechange', (e) => events.push((e.isTrusted ? 'trusted ' : '') + pc1.connectionState));
  pc1.createDataChannel('x');
  await pc1.setLocalDescription();
  await pc2.setRemoteDescription(pc1.localDescription);
  await pc2.setLocalDescription();
  await pc1.setRemoteDescription(pc2.localDescription);
  for (let i = 0; i < 200 && !/connected$/.test(events[events.length - 1] || ''); i++) await new Promise((r) => setTimeout(r, 25));
  await new Promise((r) => setTimeout(r, 200));
  pc1.close();
  pc2.close();
  const get = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState').get;
  return {
    installed: !!window.RTCConnectionStateShim && window.RTCConnectionStateShim.isInstalled(),
    forced: !Function.prototype.toString.call(get).includes('[native code]'),
    events,
  };
}

// For page.evaluate() from Node: which of a profile's deletions the page shows (harness
// PROFILES), so a recipe test can check the cut was made before the page's code ran.
export function profileInPage() {
  const has = (i, p) => !!window[i] && p in window[i].prototype;
  return {
    connectionState: has('RTCPeerConnection', 'connectionState') && !!Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState'),
    sctp: has('RTCPeerConnection', 'sctp'),
    iceTransport: has('RTCDtlsTransport', 'iceTransport'),
    iceState: has('RTCIceTransport', 'state'),
    senderTransport: has('RTCRtpSender', 'transport'),
  };
}
