// janus.js (npm `janus-gateway`, with webrtc-adapter) driving Janus's EchoTest, as an app does,
// in a page that loaded the shim first (test/peers/sdk.html). Each session's connection is the
// one janus.js made, recorded by peer.js (`peers.adopt`) as soon as janus.js has it; janus.js's own
// `connectionState` callback, which it feeds from `pc.onconnectionstatechange`, is recorded beside
// it. Plain ES2017, no modules (janus.js itself is one).
/* eslint-env browser */
(function () {
  'use strict';
  var callbacks = {};

  /** janus.js, once its module script has run (module scripts run after the page's classic ones). */
  function loaded() {
    var end = Date.now() + 10000;
    return new Promise(function (resolve, reject) {
      (function poll() {
        if (window.Janus) return resolve(window.Janus);
        if (Date.now() > end) return reject(new Error('janus.js did not load in 10 s'));
        setTimeout(poll, 20);
      })();
    });
  }

  window.sdk = {
    /**
     * A janus.js session `id` with an EchoTest handle: audio, video and a data channel offered,
     * Janus's answer handled by janus.js. Resolves with the session and handle ids once janus.js
     * has its connection.
     */
    start: function (id, server) {
      var log = callbacks[id] = { states: [], errors: [] };
      var media = peers.media();
      return loaded().then(function (Janus) { return new Promise(function (resolve, reject) {
        var fail = function (what) { return function (e) { log.errors.push(what + ': ' + e); reject(new Error(what + ': ' + e)); }; };
        Janus.init({ debug: false, callback: function () {
          var janus = new Janus({
            server: server,
            error: fail('session'),
            success: function () {
              var h = null;
              janus.attach({
                plugin: 'janus.plugin.echotest',
                error: fail('attach'),
                success: function (handle) {
                  h = handle;
                  handle.createOffer({
                    tracks: [
                      { type: 'audio', capture: media.getAudioTracks()[0], recv: true },
                      { type: 'video', capture: media.getVideoTracks()[0], recv: true },
                      { type: 'data' },
                    ],
                    error: fail('createOffer'),
                    success: function (jsep) {
                      handle.send({ message: { audio: true, video: true, data: true }, jsep: jsep });
                    },
                  });
                  // janus.js makes its connection inside createOffer: follow it from then on.
                  (function adopt() {
                    var pc = handle.webrtcStuff && handle.webrtcStuff.pc;
                    if (!pc) return setTimeout(adopt, 1);
                    peers.adopt(id, pc);
                    resolve({ session: janus.getSessionId(), handle: handle.getId() });
                  })();
                },
                onmessage: function (msg, jsep) {
                  if (jsep) h.handleRemoteJsep({ jsep: jsep });
                },
                connectionState: function (state) { log.states.push(state); },
              });
            },
          });
        } });
      }); });
    },
    /** What janus.js's `connectionState` callback said for session `id`, in order. */
    callbacks: function (id) { return callbacks[id]; },
  };
})();
