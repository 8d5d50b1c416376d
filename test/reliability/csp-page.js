// After the shim, on the strict-CSP page: one loopback connection, results in window.__csp.
(async function () {
  var out = window.__csp;
  out.installed = !!(window.RTCConnectionStateShim && window.RTCConnectionStateShim.isInstalled());
  var pc1 = new RTCPeerConnection();
  var pc2 = new RTCPeerConnection();
  pc1.onicecandidate = function (e) { if (e.candidate) pc2.addIceCandidate(e.candidate).catch(function () {}); };
  pc2.onicecandidate = function (e) { if (e.candidate) pc1.addIceCandidate(e.candidate).catch(function () {}); };
  pc1.addEventListener('connectionstatechange', function () { out.events.push(pc1.connectionState); });
  pc1.createDataChannel('x');
  var offer = await pc1.createOffer();
  await pc1.setLocalDescription(offer);
  await pc2.setRemoteDescription(offer);
  var answer = await pc2.createAnswer();
  await pc2.setLocalDescription(answer);
  await pc1.setRemoteDescription(answer);
  var end = Date.now() + 10000;
  while (pc1.connectionState !== 'connected' && Date.now() < end) await new Promise(function (r) { setTimeout(r, 10); });
  await new Promise(function (r) { setTimeout(r, 100); });
  pc1.close();
  pc2.close();
  out.done = true;
})();
