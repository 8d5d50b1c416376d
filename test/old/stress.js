// Closes shimmed connections at random moments inside every window where the shim reads
// getStats(), in a loop, logging each step to the console: test/old/run.mjs counts the closes and
// calls a page that stops logging hung (Chromium 71 can deadlock in close(), see src/prober/hold.ts).
// Plain ES2017: Chromium 71 parses nothing newer.
/* eslint-env browser */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var config = params.get('sdp') === 'unified-plan' ? { sdpSemantics: 'unified-plan' } : {};
  var want = Number(params.get('closes') || 100);
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function random(ms) { return Math.floor(Math.random() * ms); }
  function until(check, ms) {
    var end = Date.now() + ms;
    return new Promise(function (resolve) {
      (function poll() {
        if (check() || Date.now() > end) return resolve();
        setTimeout(poll, 2);
      })();
    });
  }
  function breakFingerprint(sdp) {
    return sdp.replace(/(a=fingerprint:\S+ )([0-9A-F])/gi, function (m, head, digit) {
      return head + (digit.toUpperCase() === 'A' ? 'B' : 'A');
    });
  }
  function relay(from, to) {
    from.addEventListener('icecandidate', function (e) {
      if (e.candidate && to.signalingState !== 'closed') to.addIceCandidate(e.candidate).catch(function () {});
    });
  }
  // Calls close() on both peers in the same task as the shim's next promise-form getStats() on
  // pc1 (a microtask after the call): the moment Chromium 71 deadlocks most often (a probe: 21 of
  // 30 hung). The legacy callback form passes a function; the promise form does not.
  var getStats = RTCPeerConnection.prototype.getStats;
  var onPromiseRead = null;
  var heldAtHook = 0;
  RTCPeerConnection.prototype.getStats = function (arg) {
    var result = getStats.apply(this, arguments);
    if (typeof arg !== 'function' && onPromiseRead && onPromiseRead.pc === this) {
      var hook = onPromiseRead;
      onPromiseRead = null;
      Promise.resolve().then(hook.close);
    }
    return result;
  };
  // The windows, each a way to reach the moment of close():
  var windows = {
    // the shim's promise-form read (it confirms a stalled handshake, here a wrong fingerprint)
    'promise-read': function (pc1, pc2) {
      return new Promise(function (resolve) {
        var timer = setTimeout(resolve, 3000);
        onPromiseRead = { pc: pc1, close: function () {
          clearTimeout(timer);
          pc1.close();
          pc2.close();
          heldAtHook = (pc1.signalingState !== 'closed' ? 1 : 0) + (pc2.signalingState !== 'closed' ? 1 : 0);
          resolve();
        } };
      });
    },
    // the settle reads just after "connected"
    connected: async function (pc1, pc2) {
      await until(function () { return pc1.connectionState === 'connected' && pc2.connectionState === 'connected'; }, 3000);
      await sleep(random(150));
    },
    // "connecting" with DTLS unseen: a healthy handshake under way
    connecting: async function () {
      await sleep(random(40));
    },
    // "connecting" with DTLS unseen for good: a wrong fingerprint (legacy reads, then a confirm)
    'dtls-failure': async function () {
      await sleep(random(400));
    },
    // the held and "disconnected" reads after the peer left (pc2 closes first)
    'peer-left': async function (pc1, pc2) {
      await until(function () { return pc1.connectionState === 'connected'; }, 3000);
      pc2.close();
      await sleep(random(1200));
    },
  };
  var names = Object.keys(windows);
  var done = 0;
  async function one(i) {
    var name = names[i % names.length];
    var pc1 = new RTCPeerConnection(config);
    var pc2 = new RTCPeerConnection(config);
    relay(pc1, pc2);
    relay(pc2, pc1);
    // Listeners, as an app has: the shim tracks both connections from here.
    pc1.addEventListener('connectionstatechange', function () {});
    pc2.onconnectionstatechange = function () {};
    pc1.createDataChannel('x');
    var offer = await pc1.createOffer();
    await pc1.setLocalDescription(offer);
    await pc2.setRemoteDescription(offer);
    var answer = await pc2.createAnswer();
    await pc2.setLocalDescription(answer);
    var broken = name === 'dtls-failure' || name === 'promise-read';
    await pc1.setRemoteDescription({ type: 'answer', sdp: broken ? breakFingerprint(answer.sdp) : answer.sdp });
    var closing = 'closing ' + i + ' ' + name + ' ';
    heldAtHook = 0;
    if (name === 'promise-read') console.log(closing + 'at the next promise-form getStats()');
    await windows[name](pc1, pc2);
    onPromiseRead = null;
    console.log(closing + pc1.connectionState + '/' + pc2.connectionState);
    pc1.close();
    pc2.close();
    done++;
    // The shim holds back a close() that lands while its one promise-form getStats() is in flight
    // (src/prober/hold.ts): the browser's own state then still reads open for a moment.
    var held = (pc1.signalingState !== 'closed' ? 1 : 0) + (pc2.signalingState !== 'closed' ? 1 : 0);
    if (name === 'promise-read') held = held || heldAtHook;
    if (pc1.connectionState !== 'closed' || pc2.connectionState !== 'closed') throw new Error('connectionState not "closed" right after close()');
    console.log('closed ' + i + ' ' + name + (held ? ' held ' + held : ''));
  }
  (async function () {
    for (var i = 0; i < want; i++) {
      try {
        await one(i);
      } catch (e) {
        console.log('error ' + i + ' ' + (e && e.message || e));
      }
    }
    console.log('finished ' + done);
  })();
})();
