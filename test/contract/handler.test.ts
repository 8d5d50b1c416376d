// onconnectionstatechange as an HTML event handler. Synthetic events keep these checks exact and
// fast; the connect and failure suites check the handler with real changes.
import { expect } from '@esm-bundle/chai';
import { isFirefox, shimmed } from '../helpers/env.js';

// Firefox's own handler attribute (a JS-implemented WebIDL interface) is not invoked for events
// the page dispatches itself; its listeners are. The shim's handler is, as in Chromium.
const handlerSeesPageEvents = shimmed || !isFirefox;

function fire(pc: RTCPeerConnection) {
  pc.dispatchEvent(new Event('connectionstatechange'));
}

describe('onconnectionstatechange', () => {
  it('starts null; the first non-null value registers; `this` is the connection', () => {
    const pc = new RTCPeerConnection();
    expect(pc.onconnectionstatechange).to.equal(null);
    const calls: unknown[] = [];
    const fn = function (this: unknown, e: Event) { calls.push(this, e.type); };
    pc.onconnectionstatechange = fn;
    expect(pc.onconnectionstatechange).to.equal(fn);
    fire(pc);
    expect(calls).to.deep.equal(handlerSeesPageEvents ? [pc, 'connectionstatechange'] : []);
    pc.close();
  });

  it('a new value replaces the callback in place; null removes it; re-adding goes last', () => {
    const pc = new RTCPeerConnection();
    const log: string[] = [];
    pc.addEventListener('connectionstatechange', () => log.push('A'));
    pc.onconnectionstatechange = () => log.push('H1');
    pc.addEventListener('connectionstatechange', () => log.push('B'));
    fire(pc);
    pc.onconnectionstatechange = () => log.push('H2');
    fire(pc);
    pc.onconnectionstatechange = null;
    expect(pc.onconnectionstatechange).to.equal(null);
    fire(pc);
    pc.onconnectionstatechange = () => log.push('H3');
    fire(pc);
    expect(log.join(' ')).to.equal(handlerSeesPageEvents ? 'A H1 B A H2 B A B A B H3' : 'A B A B A B A B');
    pc.close();
  });

  it('non-objects become null; a non-callable object is kept and not called', () => {
    const pc = new RTCPeerConnection();
    for (const v of [42, 'x', true, undefined]) {
      (pc as unknown as Record<string, unknown>).onconnectionstatechange = v;
      expect(pc.onconnectionstatechange, String(v)).to.equal(null);
    }
    const obj = { handleEvent() { throw new Error('must not be called'); } };
    (pc as unknown as Record<string, unknown>).onconnectionstatechange = obj;
    expect(pc.onconnectionstatechange).to.equal(obj);
    fire(pc);
    pc.close();
  });

  it('is per connection', () => {
    const a = new RTCPeerConnection();
    const b = new RTCPeerConnection();
    const fn = () => {};
    a.onconnectionstatechange = fn;
    expect(b.onconnectionstatechange).to.equal(null);
    a.close();
    b.close();
  });

  it('the event is a plain Event: not bubbling, not cancelable', async () => {
    const pc = new RTCPeerConnection();
    const pc2 = new RTCPeerConnection();
    const events: Event[] = [];
    pc.addEventListener('connectionstatechange', (e) => events.push(e));
    pc.createDataChannel('x');
    pc.onicecandidate = (e) => e.candidate && pc2.addIceCandidate(e.candidate).catch(() => {});
    pc2.onicecandidate = (e) => e.candidate && pc.addIceCandidate(e.candidate).catch(() => {});
    await pc.setLocalDescription(await pc.createOffer());
    await pc2.setRemoteDescription(pc.localDescription!);
    await pc2.setLocalDescription(await pc2.createAnswer());
    await pc.setRemoteDescription(pc2.localDescription!);
    const end = Date.now() + 10000;
    while (events.length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(events.length).to.equal(2);
    for (const e of events) {
      expect(e.constructor).to.equal(Event);
      expect(e.bubbles).to.equal(false);
      expect(e.cancelable).to.equal(false);
      expect(e.target).to.equal(pc);
    }
    pc.close();
    pc2.close();
  });
});
