// The pure rules, over every combination of inputs, against the webrtc-pc tables written out
// row by row below (a second, literal transcription, not the shim's code).
import { expect } from '@esm-bundle/chai';
import { aggregateIceState, computeConnectionState } from '../dist/fn.js';

const ICE_TRANSPORT: RTCIceTransportState[] = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'];
const ICE: RTCIceConnectionState[] = ['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed'];
const DTLS: RTCDtlsTransportState[] = ['new', 'connecting', 'connected', 'closed', 'failed'];

function lists<T>(items: T[], maxLen: number): T[][] {
  let out: T[][] = [[]];
  let layer: T[][] = [[]];
  for (let n = 1; n <= maxLen; n++) {
    layer = layer.flatMap((l) => items.map((i) => l.concat([i])));
    out = out.concat(layer);
  }
  return out;
}

// "RTCIceConnectionState Enum": each row with its condition, first match wins.
function iceByTable(states: string[]): string {
  const any = (s: string) => states.includes(s);
  const all = (...ok: string[]) => states.every((s) => ok.includes(s));
  const table: Array<[string, boolean]> = [
    ['failed', any('failed')],
    ['disconnected', any('disconnected')],
    ['new', all('new', 'closed')],
    ['checking', any('new') || any('checking')],
    ['completed', all('completed', 'closed')],
  ];
  const hit = table.find(([, c]) => c);
  return hit ? hit[0] : 'connected';
}

// "RTCPeerConnectionState Enum", with this project's one reading: ICE "completed" counts as
// "connected" (see docs/known-differences.md).
function connectionByTable(closed: boolean, ice: string, dtls: string[]): string {
  const all = (...ok: string[]) => dtls.every((s) => ok.includes(s));
  const table: Array<[string, boolean]> = [
    ['closed', closed],
    ['failed', ice === 'failed' || dtls.includes('failed')],
    ['disconnected', ice === 'disconnected'],
    ['new', ice === 'new' && all('new', 'closed')],
    ['connected', (ice === 'connected' || ice === 'completed') && all('connected', 'closed')],
  ];
  const hit = table.find(([, c]) => c);
  return hit ? hit[0] : 'connecting';
}

describe('rules: ICE connection state', () => {
  const cases = lists(ICE_TRANSPORT, 3);
  it(`matches the table for all ${cases.length} lists of up to 3 ICE transports`, () => {
    expect(cases.length).to.equal(1 + 7 + 49 + 343);
    for (const states of cases) {
      expect(aggregateIceState(states), states.join(',')).to.equal(iceByTable(states));
    }
  });
  it('is "closed" once the connection is closed, whatever the transports say', () => {
    for (const states of cases) expect(aggregateIceState(states, true)).to.equal('closed');
  });
});

describe('rules: connection state', () => {
  const dtlsLists = lists(DTLS, 3);
  it(`matches the table for all ${ICE.length * dtlsLists.length * 2} combinations`, () => {
    expect(dtlsLists.length).to.equal(1 + 5 + 25 + 125);
    for (const closed of [false, true]) {
      for (const ice of ICE) {
        for (const dtls of dtlsLists) {
          const want = ice === 'closed' ? 'closed' : connectionByTable(closed, ice, dtls);
          expect(computeConnectionState({ closed, ice, dtls }), `${closed} ${ice} [${dtls}]`).to.equal(want);
        }
      }
    }
  });

  // The decisions that matter to users, spelled out.
  const spot: Array<[RTCIceConnectionState, RTCDtlsTransportState[], RTCPeerConnectionState]> = [
    ['new', [], 'new'],
    ['checking', [], 'connecting'],
    ['connected', ['connecting'], 'connecting'], // ICE up, DTLS handshake still running
    ['connected', ['new'], 'connecting'],
    ['connected', ['connected', 'closed'], 'connected'], // peer's close_notify alone is not a failure
    ['completed', ['connected'], 'connected'], // deliberate: "completed" counts as connected
    ['connected', ['failed'], 'failed'], // DTLS failure with ICE fine
    ['disconnected', ['failed'], 'failed'],
    ['disconnected', ['connected'], 'disconnected'],
    ['new', ['connecting'], 'connecting'],
    ['new', ['closed'], 'new'],
  ];
  for (const [ice, dtls, want] of spot) {
    it(`ICE ${ice} + DTLS [${dtls}] → ${want}`, () => {
      expect(computeConnectionState({ closed: false, ice, dtls })).to.equal(want);
    });
  }
});
