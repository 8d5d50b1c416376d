// Connections from this page to a real remote peer (Janus, test/peers/janus.mjs), driven from
// test/peers/worker.mjs, which carries the descriptions. Each connection sends an oscillator's
// audio, a canvas's video and a data channel (no devices). Records, per connection, the shim's
// events, the native value (at each native event and every 5 ms, where the browser has one) and
// iceConnectionState, each in ms since peers.mark(). Plain ES2017, no modules: Chromium 64 runs it.
/* eslint-env browser */
(function () {
  'use strict';
  var params = new URLSearchParams(location.search);
  var nativeGet = window.__lab.nativeGet;
  var build = Number((/Chrome\/(\d+)/.exec(navigator.userAgent) || [])[1]) || 0;
  var t0 = performance.now();
  var conns = {};
  var media = null;
  /**
   * The native samplers of every connection, run by one 5 ms timer for the page: a timer each
   * (a dozen connections a page) loaded a slowed page enough to delay the shim's own reads.
   */
  var samplers = [];
  setInterval(function () { samplers.forEach(function (note) { note(); }); }, 5);

  function now() { return Math.round(performance.now() - t0); }

  /** One small fake camera and microphone for every connection of the page. */
  function fakeMedia() {
    if (media) return media;
    var canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 24;
    var g = canvas.getContext('2d');
    var n = 0;
    // Two frames a second: a page slowed 6x, a dozen pages on two cores (the video is encoded,
    // echoed and decoded; it is there to put media transports on the connection, not to load it).
    setInterval(function () { g.fillStyle = n++ % 2 ? '#08f' : '#f80'; g.fillRect(0, 0, 32, 24); }, 500);
    var video = canvas.captureStream(2).getVideoTracks()[0];
    var ac = new AudioContext();
    var osc = ac.createOscillator();
    var dest = ac.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    var audio = dest.stream.getAudioTracks()[0];
    media = new MediaStream([audio, video]);
    return media;
  }

  function track(pc) {
    var r = { pc: pc, shim: [], native: [], ice: [], trusted: 0 };
    pc.addEventListener('connectionstatechange', function (e) {
      if (e.isTrusted) r.trusted++;
      else r.shim.push({ s: pc.connectionState, t: now() });
    });
    pc.addEventListener('iceconnectionstatechange', function () { r.ice.push({ s: pc.iceConnectionState, t: now() }); });
    if (nativeGet) {
      var last = '';
      var note = function () {
        var n = nativeGet.call(pc);
        if (n !== last) { last = n; r.native.push({ s: n, t: now() }); }
      };
      window.__lab.addRaw.call(pc, 'connectionstatechange', note, true);
      samplers.push(note);
      r.note = note;
    }
    return r;
  }

  function gathered(pc) {
    if (pc.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise(function (resolve) {
      var done = function () { if (pc.iceGatheringState === 'complete') resolve(); };
      pc.addEventListener('icegatheringstatechange', done);
      pc.addEventListener('icecandidate', function (e) { if (!e.candidate) resolve(); });
      setTimeout(resolve, 3000);
    });
  }

  /**
   * Chromium 64–70 reject a bare a=extmap-allow-mixed (Janus adds it even where the offer lacked
   * it; a modern browser offers it): dropped unless `offer` has it.
   */
  function fitAnswer(offer, sdp) {
    if (/a=extmap-allow-mixed/.test(offer)) return sdp;
    return sdp.replace(/a=extmap-allow-mixed\r\n/g, '');
  }

  /** The selected candidate pair's local and remote candidates, from the promise-form getStats(). */
  async function selected(pc) {
    var stats = await pc.getStats();
    var byId = {};
    var pair = null;
    stats.forEach(function (s) { byId[s.id] = s; });
    stats.forEach(function (s) {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = byId[s.selectedCandidatePairId];
    });
    // Firefox marks the pair itself; old Chromium has no transport link in every build.
    stats.forEach(function (s) {
      if (!pair && s.type === 'candidate-pair' && (s.selected || (s.nominated && s.state === 'succeeded'))) pair = s;
    });
    return pair && { local: byId[pair.localCandidateId], remote: byId[pair.remoteCandidateId] };
  }

  window.peers = {
    build: build,
    native: !!nativeGet,
    /**
     * A new connection `id`, its offer once gathering is complete (Janus takes it whole); with
     * `dataOnly`, no media.
     */
    offer: async function (id, dataOnly) {
      var config = {};
      if (params.get('sdp')) config.sdpSemantics = params.get('sdp');
      var pc = new RTCPeerConnection(config);
      conns[id] = track(pc);
      var stream = dataOnly ? null : fakeMedia();
      if (!stream) { /* a data channel only */ } else if (pc.addTrack) stream.getTracks().forEach(function (t) { pc.addTrack(t, stream); });
      else pc.addStream(stream);
      pc.createDataChannel('echo');
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      return pc.localDescription.sdp;
    },
    /**
     * A connection `id` to another browser, with a data channel only: its offer once gathering is
     * complete (test/peers/worker.mjs carries it across).
     */
    dataOffer: async function (id) {
      var pc = new RTCPeerConnection();
      conns[id] = track(pc);
      pc.createDataChannel('across');
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      return pc.localDescription.sdp;
    },
    /**
     * A connection `id` answering another browser's offer; its answer once gathering is complete.
     * Chromium 64–70 reject a bare a=extmap-allow-mixed in a modern browser's offer too.
     */
    dataAnswer: async function (id, sdp) {
      var pc = new RTCPeerConnection();
      conns[id] = track(pc);
      await pc.setRemoteDescription({ type: 'offer', sdp: build && build <= 70 ? fitAnswer('', sdp) : sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      return pc.localDescription.sdp;
    },
    /** The page's fake camera and microphone (test/peers/sdk.js gives them to janus.js). */
    media: function () { return fakeMedia(); },
    /** Records connection `pc`, made by other code (janus.js: test/peers/sdk.js), as `id`. */
    adopt: function (id, pc) { conns[id] = track(pc); },
    /** Closes this page's connections `ids` (the other side of a test's connection goes away). */
    close: function (ids) {
      ids.forEach(function (id) { if (conns[id]) conns[id].pc.close(); });
    },
    /**
     * Two connections of this page, `id + '.o'` (offerer) and `id + '.a'`, both allowed only relay
     * candidates (`iceTransportPolicy: 'relay'`) from one TURN server, with a data channel;
     * candidates trickle across in the page. Resolves once both are "connected".
     */
    relayPair: async function (id, server, ms) {
      var config = { iceServers: [server], iceTransportPolicy: 'relay' };
      var a = new RTCPeerConnection(config);
      var b = new RTCPeerConnection(config);
      conns[id + '.o'] = track(a);
      conns[id + '.a'] = track(b);
      [[a, b], [b, a]].forEach(function (x) {
        x[0].addEventListener('icecandidate', function (e) { if (e.candidate) x[1].addIceCandidate(e.candidate).catch(function () {}); });
      });
      a.createDataChannel('relay');
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription);
      await Promise.all([peers.wait(id + '.o', '^connected$', ms), peers.wait(id + '.a', '^connected$', ms)]);
    },
    /** Connection `id`'s offer for an ICE restart (new credentials), once gathering is complete. */
    restartOffer: async function (id) {
      var pc = conns[id].pc;
      await pc.setLocalDescription(await pc.createOffer({ iceRestart: true }));
      await gathered(pc);
      return pc.localDescription.sdp;
    },
    /** The local port of connection `id`'s selected candidate pair. */
    localPort: async function (id) {
      var pair = await selected(conns[id].pc);
      return pair && pair.local ? pair.local.port || pair.local.portNumber : 0;
    },
    /** The candidate types of connection `id`'s selected pair, "local-remote". */
    selectedPair: async function (id) {
      var pair = await selected(conns[id].pc);
      if (!pair) return null;
      return (pair.local ? pair.local.candidateType : '?') + '-' + (pair.remote ? pair.remote.candidateType : '?');
    },
    /** Applies the peer's answer; with `broken`, one hex digit of its fingerprint flipped. */
    answer: async function (id, sdp, broken) {
      var pc = conns[id].pc;
      sdp = fitAnswer(pc.localDescription.sdp, sdp);
      if (broken) {
        sdp = sdp.replace(/(a=fingerprint:\S+ )([0-9A-F])/gi, function (m, head, digit) {
          return head + (digit.toUpperCase() === 'A' ? 'B' : 'A');
        });
      }
      await pc.setRemoteDescription({ type: 'answer', sdp: sdp });
    },
    /**
     * Until connection `id`'s shim value (and native's, where there is one) matches `re`; with
     * `ice`, or until its iceConnectionState does (76's may stay "checking" while connected).
     */
    wait: function (id, re, ms, ice) {
      var pattern = new RegExp(re);
      var c = conns[id];
      var end = Date.now() + ms;
      return new Promise(function (resolve, reject) {
        (function poll() {
          if ((ice && pattern.test(c.pc.iceConnectionState)) || (pattern.test(c.pc.connectionState) && (!nativeGet || pattern.test(nativeGet.call(c.pc))))) return resolve(now());
          if (Date.now() > end) {
            return reject(new Error('timed out after ' + ms + ' ms waiting for ' + re + ' (shim ' + c.pc.connectionState +
              ', ICE ' + c.pc.iceConnectionState + (nativeGet ? ', native ' + nativeGet.call(c.pc) : '') + ')'));
          }
          setTimeout(poll, 20);
        })();
      });
    },
    /** Times from here on count from 0 (the worker calls it as the fault begins). */
    mark: function () {
      var base = now();
      Object.keys(conns).forEach(function (id) {
        var p = conns[id];
        ['shim', 'native', 'ice'].forEach(function (k) { p[k].forEach(function (x) { x.t -= base; }); });
      });
      t0 += base;
      return base;
    },
    /** What connection `id` saw; `close`: close it after. */
    report: function (id, close) {
      var p = conns[id];
      // A change the 5 ms sampler has not recorded yet (a slowed page runs it late).
      if (p.note) p.note();
      var k = samplers.indexOf(p.note);
      if (close && k >= 0) samplers.splice(k, 1);
      var out = { shim: p.shim, native: p.native, ice: p.ice, trusted: p.trusted, value: p.pc.connectionState, nativeValue: nativeGet ? nativeGet.call(p.pc) : null };
      if (close) p.pc.close();
      return out;
    },
  };
})();
