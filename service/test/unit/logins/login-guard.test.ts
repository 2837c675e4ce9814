import { describe, expect, it } from 'vitest';
import { oigError } from '../../../src/errors';
import { LoginBackoff } from '../../../src/domain/logins/login-backoff';
import { LoginGuard } from '../../../src/domain/logins/login-guard';
import { createLogger } from '../../../src/log';

/** Issue #11, defects 2 and 3: login backoff per application and address, atomic under parallel guesses. */
const rule = { failures: 3, windowMs: 60_000, lockMs: 10_000, maxLockMs: 25_000, maxTracked: 2 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LoginBackoff', () => {
  it('locks after the failures within the window, doubles each further lock up to the maximum, forgets on success', () => {
    let now = 1_000_000;
    const backoff = new LoginBackoff(rule, () => now);
    expect([backoff.failed('a'), backoff.failed('a'), backoff.failed('a')]).toEqual([0, 0, 10_000]);
    expect(backoff.lockedForMs('a')).toBe(10_000);
    now += 10_000;
    expect(backoff.lockedForMs('a')).toBe(0);
    backoff.failed('a');
    backoff.failed('a');
    expect(backoff.failed('a')).toBe(20_000);
    now += 20_000;
    backoff.failed('a');
    backoff.failed('a');
    expect(backoff.failed('a')).toBe(25_000);
    expect(backoff.locked()).toEqual([expect.objectContaining({ key: 'a', locks: 3 })]);
    backoff.succeeded('a');
    expect(backoff.lockedForMs('a')).toBe(0);
  });

  it('forgets failures older than the window, and tracks a bounded number of keys', () => {
    let now = 0;
    const backoff = new LoginBackoff(rule, () => now);
    backoff.failed('a');
    backoff.failed('a');
    now += 60_001;
    expect(backoff.failed('a')).toBe(0);
    for (const key of ['b', 'c']) for (let i = 0; i < 3; i += 1) backoff.failed(key);
    expect(backoff.locked().map((l) => l.key)).toEqual(['c', 'b']);
    expect(backoff.clear('b')).toBe(true);
    expect(backoff.clear('b')).toBe(false);
  });
});

describe('LoginGuard', () => {
  const guard = () => new LoginGuard({ application: rule, address: { ...rule, failures: 10 }, log: createLogger('silent') });
  const who = (address: string, applicationName = 'App') => ({ companyName: 'Co', applicationName, address });
  const wrong = async (): Promise<never> => {
    await sleep(5);
    throw oigError('OIG_SESSION_WRONG_LOCAL_PASSWORD', 'Local Password Invalid');
  };

  it('200 parallel guesses: only as many checks run as the lock allows, the rest are refused unchecked', async () => {
    const g = guard();
    let checks = 0;
    const answers = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        g.attempt(who('10.0.0.1'), () => {
          checks += 1;
          return wrong();
        }),
      ),
    );
    expect(checks).toBe(3);
    const codes = answers.map((a) => (a.status === 'rejected' ? (a.reason as { code: string }).code : 'ok'));
    expect(codes.filter((c) => c === 'OIG_SESSION_LOGIN_LOCKED')).toHaveLength(197);
  });

  it('an application locked by guesses elsewhere still logs in from an address it logged in from before', async () => {
    const g = guard();
    await g.attempt(who('10.0.0.1'), async () => 'ok');
    for (let i = 0; i < 3; i += 1) await expect(g.attempt(who('10.9.9.9'), wrong)).rejects.toThrow('Local Password Invalid');
    await expect(g.attempt(who('10.9.9.9'), async () => 'ok')).rejects.toThrow(/Too many failed logins for application 'Co\/App'/);
    await expect(g.attempt(who('10.0.0.2'), async () => 'ok')).rejects.toThrow(/Too many failed logins/);
    expect(await g.attempt(who('10.0.0.1'), async () => 'ok')).toBe('ok');
    expect(g.locks()).toEqual([expect.objectContaining({ kind: 'application', key: 'Co/App' })]);
    expect(g.unlock('application', 'Co/App')).toBe(true);
    expect(await g.attempt(who('10.0.0.2'), async () => 'ok')).toBe('ok');
  });

  it('unknown applications count against the address only; good logins never do', async () => {
    const g = guard();
    for (let i = 0; i < 1500; i += 1) await g.attempt(who('10.0.0.1', `App${i}`), async () => 'ok');
    const unknown = async (): Promise<never> => {
      throw oigError('OIG_SESSION_UNKNOWN_APPLICATION', 'not in the ACL');
    };
    for (let i = 0; i < 10; i += 1) await expect(g.attempt(who('10.0.0.7', `Nope${i}`), unknown)).rejects.toThrow('not in the ACL');
    await expect(g.attempt(who('10.0.0.7', 'Other'), async () => 'ok')).rejects.toThrow(/from this address/);
    expect(g.locks()).toEqual([expect.objectContaining({ kind: 'address', key: '10.0.0.7' })]);
  });
});
