// An app that only follows connections with `watch()` (docs/watch.md): nothing may be patched.
import { watch } from 'rtc-connection-state-shim/fn';
import { accessor, pair } from './pair.js';

const first = { accessor: accessor() };

window.app = {
  kind: 'watch',
  first,
  run(ms) {
    const events = [[], []];
    const watchers = [];
    return pair((pcs, connected) => pcs.forEach((pc, i) => {
      watchers.push(watch(pc, (state) => {
        events[i].push(state);
        if (watchers.length === 2 && watchers.every((w) => w.state === 'connected')) connected();
      }));
    }), ms).then(() => {
      watchers.forEach((w) => w.close());
      return { first, events, accessor: accessor() };
    });
  },
};
