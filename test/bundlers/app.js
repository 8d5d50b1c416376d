// The app users write (docs/bundling.md): the shim's import first, then the app's own code.
import 'rtc-connection-state-shim';
import { isInstalled } from 'rtc-connection-state-shim/fn';
import { accessor, pair } from './pair.js';

// The app's first statement: the shim must be in place already.
const first = { installed: isInstalled(), accessor: accessor() };

window.app = {
  kind: 'shim',
  first,
  run(ms) {
    const events = [[], []];
    return pair((pcs, connected) => pcs.forEach((pc, i) => {
      pc.onconnectionstatechange = () => {
        events[i].push(pc.connectionState);
        if (pcs.every((p) => p.connectionState === 'connected')) connected();
      };
    }), ms).then((pcs) => {
      pcs.forEach((pc) => pc.close());
      return { first, events, accessor: accessor() };
    });
  },
};
