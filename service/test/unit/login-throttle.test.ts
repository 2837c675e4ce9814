import { describe, expect, it } from 'vitest';
import { LoginThrottle } from '../../src/transport/admin/login-throttle';

describe('administrator login throttle', () => {
  const setup = () => {
    let now = 1_000_000;
    const throttle = new LoginThrottle({ failures: 3, lockMs: 60_000, maxTracked: 2 }, () => now);
    return { throttle, advance: (ms: number) => (now += ms) };
  };

  it('locks an address after the failures in a row, for the lock time, then lets it try again', () => {
    const { throttle, advance } = setup();
    throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.1');
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
    throttle.failed('10.0.0.1');
    expect(throttle.lockedFor('10.0.0.1')).toBe(60);
    expect(throttle.lockedFor('10.0.0.2')).toBe(0);
    advance(59_500);
    expect(throttle.lockedFor('10.0.0.1')).toBe(1);
    advance(500);
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
    // The count starts again after a lock.
    throttle.failed('10.0.0.1');
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
  });

  it('forgets the failures of an address that succeeds', () => {
    const { throttle } = setup();
    throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.1');
    throttle.succeeded('10.0.0.1');
    throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.1');
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
  });

  it('tracks a bounded number of addresses, forgetting the one whose last failure is oldest', () => {
    const { throttle } = setup();
    for (let i = 0; i < 3; i++) throttle.failed('10.0.0.1');
    throttle.failed('10.0.0.2');
    throttle.failed('10.0.0.3');
    expect(throttle.lockedFor('10.0.0.1')).toBe(0);
  });
});
