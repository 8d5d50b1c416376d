// Between webrtc-adapter and the shim (in either order): remember whose connectionState getter
// is on the prototype at this point, under the name given in the query string.
(function () {
  var name = document.currentScript.src.split('?')[1];
  var d = Object.getOwnPropertyDescriptor(RTCPeerConnection.prototype, 'connectionState');
  window.__shimTest.adapter = name === 'adapterGetter' ? 'before' : 'after';
  window.__shimTest[name] = d && d.get;
})();
