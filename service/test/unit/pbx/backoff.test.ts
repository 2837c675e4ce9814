import { expect, it } from 'vitest';
import { backoffDelay } from '../../../src/pbx/pbx-links';

it('reconnect delays double from the minimum up to the maximum', () => {
  const top = () => 0.999_999;
  expect([1, 2, 3, 4, 5, 6, 7, 8, 20, 1000].map((n) => backoffDelay(n, 250, 30_000, top))).toEqual([250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
});

it('jitter takes a delay from the upper half of its step, never below the minimum', () => {
  const low = () => 0;
  expect([1, 2, 3, 4, 9].map((n) => backoffDelay(n, 250, 30_000, low))).toEqual([250, 250, 500, 1000, 15_000]);
  for (let trial = 0; trial < 200; trial++) {
    for (let n = 1; n < 12; n++) {
      const ceiling = Math.min(10_000, 100 * 2 ** (n - 1));
      const delay = backoffDelay(n, 100, 10_000);
      expect(delay).toBeGreaterThanOrEqual(Math.max(100, ceiling / 2));
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  }
});

it('a maximum below the minimum means a fixed delay of the minimum', () => {
  expect(backoffDelay(5, 500, 100, () => 0.5)).toBe(500);
});
