// One pair of peers in one page, driven from test/net/worker.mjs while it makes network faults
// around them (nftables in the lab namespace). Records, per peer, the shim's events, the native
// value (sampled every 5 ms, where the browser has one) and iceConnectionState, each with its
// time in ms since lab.mark(). Plain ES2017, no modules: Chromium 64 runs it too.
/* eslint-env browser */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var config = params.get('sdp') ? { sdpSemantics: params.get('sdp') } : {};
  var nativeGet = window.__lab.nativeGet;
  var t0 = performance.now();
  var peers = [];

  function now() { return Math.round(performance.now() - t0); }
  function sleep(ms) { return new Promise(function (r) { setTimeout(r, ms); }); }
  function until(check, ms, what) {
    var end = Date.now() + ms;
    return new Promise(function (resolve, reject) {
      (function poll() {
        if (check()) return resolve();
        if (Date.now() > end) return reject(new Error('timed out after ' + ms + ' ms waiting for ' + what + ' (' + describe() + ')'));
        setTimeout(poll, 5);
      })();
    });
  }
  function describe() {
    return peers.map(function (p, i) {
      return 'pc' + (i + 1) + ' shim ' + p.pc.connectionState + ', ICE ' + p.pc.iceConnectionState + (nativeGet ? ', native ' + nativeGet.call(p.pc) : '');
    }).join('; ');
  }
  function breakFingerprint(sdp) {
    return sdp.replace(/(a=fingerprint:\S+ )([0-9A-F])/gi, function (m, head, digit) {
      return head + (digit.toUpperCase() === 'A' ? 'B' : 'A');
    });
  }

  // Every getStats() call (the page itself makes none): the form, its time, and whether a legacy
  // callback was answered (the form exists here). Wrapped after the shim loaded: it reads through
  // the prototype at each call.
  var reads = { promise: [], legacy: 0, answered: 0 };
  var getStats = RTCPeerConnection.prototype.getStats;
  RTCPeerConnection.prototype.getStats = function (a) {
    var args = Array.prototype.slice.call(arguments);
    if (typeof a === 'function') {
      reads.legacy++;
      args[0] = function () { reads.answered++; return a.apply(this, arguments); };
    } else {
      reads.promise.push(now());
    }
    return getStats.apply(this, args);
  };

  /**
   * A candidate as the other peer gets it through the relay (test/net/worker.mjs `relay`): a UDP
   * IPv4 host candidate of component 1, its address and port replaced by the relay port that
   * stands for this peer; null for any other (dropped, so that no direct path opens).
   */
  function viaRelay(c, port) {
    var f = c.candidate.split(' ');
    if (f[1] !== '1' || String(f[2]).toLowerCase() !== 'udp' || f[7] !== 'host' || !/^\d+\.\d+\.\d+\.\d+$/.test(f[4])) return null;
    f[4] = '192.0.2.50';
    f[5] = String(port);
    return { candidate: f.join(' '), sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
  }

  function track(pc) {
    var r = { pc: pc, shim: [], native: [], ice: [], trusted: 0 };
    pc.addEventListener('connectionstatechange', function (e) {
      // In a page without the native accessors, only the shim's own events may reach listeners.
      if (e.isTrusted) r.trusted++;
      else r.shim.push({ s: pc.connectionState, t: now() });
    });
    pc.addEventListener('iceconnectionstatechange', function () { r.ice.push({ s: pc.iceConnectionState, t: now() }); });
    if (nativeGet) {
      // The native value at each of the browser's own events, and every 5 ms between them.
      var last = '';
      var note = function () {
        var n = nativeGet.call(pc);
        if (n !== last) { last = n; r.native.push({ s: n, t: now() }); }
      };
      window.__lab.addRaw.call(pc, 'connectionstatechange', note, true);
      r.timer = setInterval(note, 5);
    }
    return r;
  }

  window.lab = {
    build: Number((/Chrome\/(\d+)/.exec(navigator.userAgent) || [])[1]) || 0,
    native: !!nativeGet,
    /**
     * A pair (data channel), once settled; with `broken`, a wrong fingerprint (both "failed").
     * With `softMs`, resolves after that long even if not settled (under loss a handshake may
     * stall natively too: Firefox ESR left one peer "connecting" for 30 s while the other failed).
     */
    connect: async function (broken, softMs, relay) {
      t0 = performance.now();
      reads.promise = [];
      reads.legacy = reads.answered = 0;
      var pc1 = new RTCPeerConnection(config);
      var pc2 = new RTCPeerConnection(config);
      // With `relay` ({ ports: [pc1's, pc2's] }), each peer reaches the other only through it.
      [[pc1, pc2, 0], [pc2, pc1, 1]].forEach(function (x) {
        var sent = false;
        x[0].addEventListener('icecandidate', function (e) {
          if (!e.candidate || x[1].signalingState === 'closed') return;
          var c = relay ? viaRelay(e.candidate, relay.ports[x[2]]) : e.candidate;
          if (!c || (relay && sent)) return;
          sent = true;
          x[1].addIceCandidate(c).catch(function () {});
        });
      });
      peers = [track(pc1), track(pc2)];
      pc1.createDataChannel('x');
      var offer = await pc1.createOffer();
      await pc1.setLocalDescription(offer);
      await pc2.setRemoteDescription(offer);
      var answer = await pc2.createAnswer();
      await pc2.setLocalDescription(answer);
      await pc1.setRemoteDescription({ type: 'answer', sdp: broken ? breakFingerprint(answer.sdp) : answer.sdp });
      // Until both peers have settled, in the shim and natively: "connected" or "failed", whichever
      // comes (the loss may fail a handshake; the worker compares what each said).
      var settled = function (v) { return v === 'connected' || v === 'failed'; };
      var done = until(function () {
        return peers.every(function (p) { return settled(p.pc.connectionState) && (!nativeGet || settled(nativeGet.call(p.pc))); });
      }, softMs || 30000, 'connected or failed');
      if (softMs) await done.catch(function () {});
      else await done;
      return now();
    },
    /** Times from here on count from 0 (the worker calls it as the fault begins). */
    mark: function () {
      var base = now();
      peers.forEach(function (p) {
        ['shim', 'native', 'ice'].forEach(function (k) { p[k].forEach(function (x) { x.t -= base; }); });
      });
      t0 += base;
    },
    /** Until pc1's iceConnectionState matches `re` (a string), `ms` at most. */
    waitIce: function (re, ms) {
      var pattern = new RegExp(re);
      return until(function () { return pattern.test(peers[0].pc.iceConnectionState); }, ms, 'ICE ' + re).then(now);
    },
    /** Until both peers' shim value is `state` (and the native one, where there is one). */
    waitBoth: function (state, ms) {
      return until(function () {
        return peers.every(function (p) { return p.pc.connectionState === state && (!nativeGet || nativeGet.call(p.pc) === state); });
      }, ms, state).then(now);
    },
    sleep: sleep,
    /** The getStats() calls since connect(). */
    reads: function () { return reads; },
    /**
     * Each peer's DTLS states by the engine's own promise-form getStats() (transport entries),
     * awaited before report() closes the pair (Chromium 71: no close() while one is in flight).
     */
    dtlsStates: function () {
      return Promise.all(peers.map(function (p) {
        return p.pc.getStats().then(function (report) {
          var out = [];
          report.forEach(function (e) { if (e.type === 'transport' && e.dtlsState) out.push(e.dtlsState); });
          return out;
        });
      }));
    },
    /** What each peer saw; the pair is closed after. */
    report: function () {
      var out = peers.map(function (p) {
        clearInterval(p.timer);
        return { shim: p.shim, native: p.native, ice: p.ice, trusted: p.trusted, value: p.pc.connectionState, nativeValue: nativeGet ? nativeGet.call(p.pc) : null };
      });
      peers.forEach(function (p) { p.pc.close(); });
      return out;
    },
  };
})();
