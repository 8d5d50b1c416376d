// What the record would plan a read loop with (src/prober/memory.ts `Situation`), for the Node
// tests of src/prober/: a need, and no exposed "disconnected" unless `more` says otherwise.
export const situation = (need, valueConnected, phaseKey, more = {}) =>
  ({ need, valueConnected, phaseKey, judgeIce: false, iceHidden: false, dtlsInIce: false, upByIce: false, ...more });
