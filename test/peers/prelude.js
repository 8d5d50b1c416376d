// As test/net/lab.html: keep the native getter where the browser has one (the oracle), then
// delete the native accessors, as in a browser without them. Loaded first, before the shim's
// classic script (test/peers/peer.html, sdk.html).
(function () {
  var proto = RTCPeerConnection.prototype;
  var d = Object.getOwnPropertyDescriptor(proto, 'connectionState');
  window.__lab = { nativeGet: d && d.get, addRaw: EventTarget.prototype.addEventListener };
  delete proto.connectionState;
  delete proto.onconnectionstatechange;
})();
