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
