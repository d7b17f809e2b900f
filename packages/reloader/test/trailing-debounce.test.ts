import { stat } from 'node:fs';
import { TrailingDebounce } from '../src/trailing-debounce';
import { waitFor } from './helpers';

describe('TrailingDebounce', () => {
  it('fires once after a burst of triggers', async () => {
    let fired = 0;
    const debounce = new TrailingDebounce(() => (fired += 1), 30);
    for (let i = 0; i < 10; i += 1) debounce.trigger();
    expect(debounce.pending).toBe(true);
    await waitFor(() => fired > 0, 'the debounced call');
    expect(fired).toBe(1);
    expect(debounce.pending).toBe(false);
  });

  it('fires within the maximum wait even while triggers keep coming', async () => {
    let fired = 0;
    const debounce = new TrailingDebounce(() => (fired += 1), 50, 100);
    const interval = setInterval(() => debounce.trigger(), 10);
    try {
      await waitFor(() => fired > 0, 'a call despite constant triggers');
    } finally {
      clearInterval(interval);
      debounce.cancel();
    }
    expect(fired).toBeGreaterThan(0);
  });

  it('drops a firing made stale by an event that waited while the event loop was busy', async () => {
    const calls: string[] = [];
    const debounce = new TrailingDebounce(() => calls.push('fire'), 20);
    debounce.trigger();
    // From the check phase (as a request handler's immediate would), start an
    // I/O request (as a watch event is) and keep the loop busy past the quiet
    // period. The next loop iteration runs timers before it polls for I/O, so
    // the expired debounce timer comes before the event that re-arms it.
    await new Promise<void>((done) =>
      setImmediate(() => {
        stat(__filename, () => {
          calls.push('event');
          debounce.trigger();
        });
        const until = Date.now() + 60;
        while (Date.now() < until) {
          // a busy event loop (a GC pause, a burst of requests)
        }
        done();
      }),
    );
    await waitFor(() => calls.includes('fire'), 'the debounced call');
    // One firing, after the late event: never one between the write and its event.
    expect(calls).toEqual(['event', 'fire']);
  });

  it('does not fire after cancel()', async () => {
    let fired = 0;
    const debounce = new TrailingDebounce(() => (fired += 1), 10);
    debounce.trigger();
    debounce.cancel();
    const control = new TrailingDebounce(() => (fired += 10), 20);
    control.trigger();
    await waitFor(() => fired >= 10, 'the control debounce');
    expect(fired).toBe(10);
  });
});
