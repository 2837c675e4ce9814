import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDirectory, withCos, withoutDevice, withPhone } from '../../src/mivb/directory';
import { DEFAULT_MIVB_FIXTURE, generatedFixture, readMivbFixture, type MivbFixture } from '../../src/mivb/fixture';
import { DEFAULT_NUMBERING, dialableNumber, incomingNumbers } from '../../src/mivb/numbering';

const base = DEFAULT_MIVB_FIXTURE;
const refused = (fixture: unknown): string => {
  try {
    buildDirectory(fixture);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('lab MiVB fixture', () => {
  it('the default cluster has the documented devices', () => {
    const dir = buildDirectory(base);
    expect(dir.controllers).toEqual([
      { name: 'ICP-1', address: '127.1.0.1' },
      { name: 'ICP-2', address: '127.1.0.2' },
    ]);
    expect(dir.devicesOf('ICP-1').filter((d) => d.kind === 'phone')).toHaveLength(15);
    expect(dir.device('2003')).toMatchObject({ primary: 'ICP-2', secondary: 'ICP-1' });
    expect(dir.device('2005')?.secondary).toBeUndefined();
    expect(dir.device('1006')?.cos).toEqual({ callControl: true, monitor: false });
    expect(dir.device('1007')?.cos).toEqual({ callControl: false, monitor: true });
    expect(dir.device('1009')?.lines).toEqual([
      { button: 2, dn: '1500' },
      { button: 3, dn: '1501' },
    ]);
    expect(dir.device('1501')).toMatchObject({ kind: 'line', type: 'LINE_APPEARANCE', appearances: [{ phone: '1008', button: 2 }, { phone: '1009', button: 3 }] });
    expect(dir.device('3000')).toMatchObject({ kind: 'hotDeskUser', pin: '1234', primary: 'ICP-1' });
    expect(dir.device('4000')?.members).toEqual(['1000', '1001', '1002']);
    expect(dir.external('96135550100'.slice(1))?.behaviour).toBe('answer');
    expect(dir.external('5550199')?.behaviour).toBe('busy');
    expect(dir.external('5551234')).toBeUndefined();
  });

  it('refuses a DN used twice, naming both entries', () => {
    const fixture = withPhone(base, { dn: '1003', name: 'Another', controller: 'ICP-2' });
    expect(refused(fixture)).toBe('fixture: phones[20] (dn 1003): DN 1003 is already used by phones[3] "Phone 1003"; DNs must be unique in the cluster');
    const user = { ...base, hotDeskUsers: [...(base.hotDeskUsers ?? []), { dn: '4000', pin: '1', controller: 'ICP-1' }] };
    expect(refused(user)).toMatch(/^fixture: prgs\[0\] \(dn 4000\): DN 4000 is already used by hotDeskUsers\[4\]/);
    const line = withPhone(base, { dn: '1010', controller: 'ICP-1', lines: [{ button: 2, dn: '2000' }] });
    expect(refused(line)).toMatch(/phones\[20\] \(dn 1010\)\.lines\[0\]: DN 2000 is already used by phones\[10\]/);
  });

  it('explains the shape errors by entry', () => {
    const phones = [...base.phones];
    phones[2] = { ...phones[2], dn: 1002 } as never;
    expect(refused({ ...base, phones })).toMatch(/^fixture: phones\[2\]\.dn: Expected string/);
    expect(refused({ ...base, controllers: [{ name: 'X', address: '10.0.0.1' }] })).toMatch(/^fixture: controllers\[0\]\.address: Expected string to match/);
    expect(refused({ ...base, colour: 'blue' })).toMatch(/^fixture: colour: Unexpected property/);
    expect(refused([])).toMatch(/^fixture: \(top level\): Expected object/);
  });

  it('refuses what a cluster cannot have', () => {
    expect(refused(withPhone(base, { dn: '1010', controller: 'ICP-3' }))).toBe('fixture: phones[20] (dn 1010).controller: no controller named ICP-3 (known: ICP-1, ICP-2)');
    expect(refused(withPhone(base, { dn: '1010', controller: 'ICP-1', secondary: '127.1.0.1' }))).toMatch(/secondary controller must differ/);
    expect(refused(withPhone(base, { dn: '9100', controller: 'ICP-1' }))).toMatch(/DN 9100 starts with the outside prefix 9/);
    expect(refused(withPhone(base, { dn: '10000', controller: 'ICP-1' }))).toMatch(/longer than maxExtLength 4/);
    expect(refused(withPhone(base, { dn: '1010', controller: 'ICP-2', lines: [{ button: 2, dn: '1500' }] }))).toMatch(
      /line 1500 is on ICP-1 through phones\[9\].*share their controllers/,
    );
    expect(refused(withPhone(base, { dn: '1010', controller: 'ICP-1', lines: [{ button: 2, dn: '1510' }, { button: 2, dn: '1511' }] }))).toMatch(/button 2 is used twice/);
    const prg = { ...base, prgs: [{ dn: '4002', controller: 'ICP-1', members: ['1000', '3000'] }] };
    expect(refused(prg)).toBe('fixture: prgs[0] (dn 4002).members[1]: member 3000 is not a phone');
    const login = { ...base, hotDeskUsers: [{ dn: '3000', pin: '1', controller: 'ICP-1', loggedInAt: '1500' }] };
    expect(refused(login)).toMatch(/loggedInAt: 1500 is not a phone/);
  });

  it('edits are checked like a fixture', () => {
    expect(() => withoutDevice(base, '1001')).toThrow('phone 1001 is a member of ring group 4000; take it out of the group first');
    expect(() => withoutDevice(base, '1888')).toThrow(/no phone, hot desk user or ring group has DN 1888/);
    expect(buildDirectory(withoutDevice(base, '1005')).device('1005')).toBeUndefined();
    expect(buildDirectory(withCos(base, '1005', { monitor: false })).device('1005')?.cos).toEqual({ callControl: true, monitor: false });
    expect(() => withCos(base, '1500', { monitor: false })).toThrow(/a line appearance has the CoS of the first phone/);
  });

  it('reads a fixture file and names the file in errors', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mivb-fixture-'));
    const file = path.join(dir, 'cluster.json');
    try {
      await writeFile(file, JSON.stringify({ controllers: [{ name: 'A', address: '127.1.0.9' }], phones: [{ dn: '100', controller: 'A' }] }));
      expect((await readMivbFixture(file)).phones).toHaveLength(1);
      await writeFile(file, '{ "controllers": ');
      await expect(readMivbFixture(file)).rejects.toThrow(`${file}: `);
      await writeFile(file, JSON.stringify({ controllers: [], phones: [] }));
      await expect(readMivbFixture(file)).rejects.toThrow(`${file}: controllers: Expected array length to be greater or equal to 1`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('generates large clusters for benchmarks', () => {
    const fixture: MivbFixture = generatedFixture({ controllers: 2, phonesPerController: 1000 });
    const dir = buildDirectory(fixture);
    expect(dir.devicesOf('ICP-2')).toHaveLength(1000);
    expect(dir.device('20999')).toMatchObject({ primary: 'ICP-2' });
  });
});

describe('lab MiVB numbering', () => {
  it('makes E.164 numbers dialable', () => {
    expect(dialableNumber(DEFAULT_NUMBERING, '+16135550100')).toBe('96135550100');
    expect(dialableNumber(DEFAULT_NUMBERING, '+14165550100')).toBe('914165550100');
    expect(dialableNumber(DEFAULT_NUMBERING, '+442071234567')).toBe('9011442071234567');
    expect(dialableNumber(DEFAULT_NUMBERING, '6135550100')).toBeUndefined();
  });

  it('turns numbers seen in calls into E.164 candidates', () => {
    expect(incomingNumbers(DEFAULT_NUMBERING, '1001', true)).toEqual(['1001']);
    expect(incomingNumbers(DEFAULT_NUMBERING, '6135550123', true)).toEqual(['+16135550123']);
    expect(incomingNumbers(DEFAULT_NUMBERING, '5550123', true)).toEqual(['+16135550123']);
    expect(incomingNumbers(DEFAULT_NUMBERING, '914165550100', false)).toEqual(['+14165550100']);
    expect(incomingNumbers(DEFAULT_NUMBERING, '9011442071234567', false)).toEqual(['+442071234567']);
    expect(incomingNumbers(DEFAULT_NUMBERING, '+33123456789', true)).toEqual(['+33123456789']);
  });
});
