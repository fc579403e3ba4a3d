// Where a block in flight is drawn, from the engine's send and arrival times.
import { describe, expect, it } from 'vitest';
import { createFlights, PHASE_SENDING, PHASE_TRAVELLING, type Flights } from '../../src/engine/view';
import { FlightClock, journeyOf, progress, shownProgress } from '../../src/render/flight';

function oneFlight(phase: number, at: number, latency = 100, sendTime = 50): Flights {
  const f = createFlights(4);
  f.count = 1;
  f.sender[0] = 0;
  f.receiver[0] = 1;
  f.senderHalf[0] = 3;
  f.block[0] = 7;
  f.phase[0] = phase;
  f.at[0] = at;
  f.latency[0] = latency;
  f.sendTime[0] = sendTime;
  return f;
}

describe('a block in flight', () => {
  it('is at (now − sentAt) / (arriveAt − sentAt) of the way, within 0 and 1', () => {
    expect(progress(150, 100, 300)).toBeCloseTo(0.25);
    expect(progress(50, 100, 300)).toBe(0);
    expect(progress(400, 100, 300)).toBe(1);
    expect(progress(5, 10, 10)).toBe(1);
  });

  it('while being sent, started one send time before its last byte leaves and arrives a latency after', () => {
    expect(journeyOf(oneFlight(PHASE_SENDING, 1000), 0, undefined)).toEqual({ sentAt: 950, arriveAt: 1100 });
  });

  it('on the wire, arrives when the engine says and started when it was seen starting', () => {
    const f = oneFlight(PHASE_TRAVELLING, 1300);
    expect(journeyOf(f, 0, 900)).toEqual({ sentAt: 900, arriveAt: 1300 });
    expect(journeyOf(f, 0, undefined)).toEqual({ sentAt: 1150, arriveAt: 1300 });
  });

  it('does not jump back when a slow download link delays its arrival', () => {
    const clock = new FlightClock();
    clock.reset();
    const at = new Float32Array(1);
    clock.place(oneFlight(PHASE_SENDING, 1000), 1000, at);
    const whenSent = at[0]!;
    // The engine now says it arrives at 1300 instead of the estimated 1100: the start stays 950.
    clock.place(oneFlight(PHASE_TRAVELLING, 1300), 1000, at);
    expect(at[0]).toBeCloseTo((1000 - 950) / (1300 - 950));
    expect(whenSent).toBeCloseTo((1000 - 950) / (1100 - 950));
    clock.place(oneFlight(PHASE_TRAVELLING, 1300), 1300, at);
    expect(at[0]).toBe(1);
  });
});

describe('the start of every block in flight', () => {
  it('is remembered from frame to frame for thousands of transfers at once, and forgotten once one is no longer in flight', () => {
    const n = 3000;
    const flights = (count: number, phase: number, at: (i: number) => number): Flights => {
      const f = createFlights();
      f.sender = new Int32Array(count);
      f.receiver = new Int32Array(count);
      f.senderHalf = Int32Array.from({ length: count }, (_, i) => i % 97);
      f.block = Int32Array.from({ length: count }, (_, i) => Math.floor(i / 97) * 1000 + (i % 7));
      f.phase = new Uint8Array(count).fill(phase);
      f.at = Float64Array.from({ length: count }, (_, i) => at(i));
      f.latency = new Float64Array(count).fill(50);
      f.sendTime = new Float64Array(count).fill(100);
      f.count = count;
      return f;
    };
    const clock = new FlightClock();
    clock.reset();
    const out = new Float32Array(n);
    const k = (i: number): number => i % 50;
    // Being sent: each send ends at 1000 + k and took 100, so it started at 900 + k.
    clock.place(flights(n, PHASE_SENDING, (i) => 1000 + k(i)), 1000, out);
    // On the wire, arriving much later than estimated (5000 + k): the starts seen while sending are kept.
    clock.place(flights(n, PHASE_TRAVELLING, (i) => 5000 + k(i)), 4900, out);
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo((4900 - (900 + k(i))) / 4100, 5);
    // A frame without them forgets them: the next sighting works the start back from the engine's
    // times (arrival − latency − send time = 4850 + k).
    clock.place(flights(0, PHASE_TRAVELLING, () => 0), 4900, out);
    clock.place(flights(n, PHASE_TRAVELLING, (i) => 5000 + k(i)), 4900, out);
    for (let i = 0; i < n; i++) expect(out[i]).toBeCloseTo((4900 - (4850 + k(i))) / 150, 5);
  });
});

describe('reduced motion', () => {
  it('draws a block in flight still, mid-connection, whatever its progress', () => {
    expect([0, 0.2, 0.9].map((p) => shownProgress(p, true))).toEqual([0.5, 0.5, 0.5]);
    expect([0, 0.2, 0.9].map((p) => shownProgress(p, false))).toEqual([0, 0.2, 0.9]);
  });
});
