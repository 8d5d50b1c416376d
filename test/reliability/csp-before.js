// Before the shim, on the strict-CSP page: collect violations, delete the native accessors.
window.__csp = { done: false, events: [], installed: false, violations: [], tt: typeof trustedTypes === 'object' };
document.addEventListener('securitypolicyviolation', function (e) {
  window.__csp.violations.push(e.violatedDirective + ' ' + e.blockedURI);
});
delete RTCPeerConnection.prototype.connectionState;
delete RTCPeerConnection.prototype.onconnectionstatechange;
