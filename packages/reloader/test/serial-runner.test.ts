import { SerialRunner } from '../src/serial-runner';

describe('SerialRunner', () => {
  it('runs one task at a time and schedules exactly one more for calls made during a run', async () => {
    let running = 0;
    let maxRunning = 0;
    const args: string[][] = [];
    const runner = new SerialRunner<string[], number>(
      async (arg) => {
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        args.push(arg);
        await new Promise((resolve) => setImmediate(resolve));
        running -= 1;
        return args.length;
      },
      (queued, next) => [...queued, ...next],
    );
    const first = runner.run(['a']);
    const second = runner.run(['b']);
    const third = runner.run(['c']);
    expect(third).toBe(second);
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    expect(args).toEqual([['a'], ['b', 'c']]);
    expect(maxRunning).toBe(1);
    expect(await runner.run(['d'])).toBe(3);
  });

  it('reports idle only when nothing runs or waits', async () => {
    const order: string[] = [];
    const runner = new SerialRunner<string, void>(
      async (arg) => {
        await new Promise((resolve) => setImmediate(resolve));
        order.push(arg);
      },
      (_queued, next) => next,
    );
    void runner.run('one');
    void runner.run('two');
    await runner.idle();
    expect(order).toEqual(['one', 'two']);
  });
});
