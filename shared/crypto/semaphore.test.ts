import { describe, expect, it } from 'vitest';
import { Semaphore } from './semaphore.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('Semaphore', () => {
  it('never runs more than the limit at once and runs every task', async () => {
    const s = new Semaphore(2);
    let now = 0;
    let peak = 0;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => s.run(async () => {
      now++;
      peak = Math.max(peak, now);
      await tick();
      now--;
      return i;
    })));
    expect(peak).toBe(2);
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.running).toBe(0);
    expect(s.queued).toBe(0);
  });

  it('releases the slot when a task fails and serves waiters in order', async () => {
    const s = new Semaphore(1);
    const order: number[] = [];
    const failing = s.run(async () => { await tick(); throw new Error('boom'); });
    const a = s.run(async () => { order.push(1); });
    const b = s.run(async () => { order.push(2); });
    await expect(failing).rejects.toThrow('boom');
    await Promise.all([a, b]);
    expect(order).toEqual([1, 2]);
    expect(s.running).toBe(0);
  });

  it('rejects a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });
});
