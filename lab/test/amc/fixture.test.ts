import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAmcFixture, checkRecord, DEFAULT_AMC_FIXTURE, readAmcFixture, type AmcFixture, type AridRecordFixture } from '../../src/amc/fixture';

const refused = (fixture: unknown): string => {
  try {
    checkAmcFixture(fixture);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

const withRecord = (record: unknown): unknown => ({
  accounts: [{ name: 'Acme', arids: [{ arid: 'ARID-OK', parts: [{ partNumber: '54005785', quantity: 1 }] }, record] }],
});
const parts = (...numbers: string[]): AridRecordFixture['parts'] => numbers.map((partNumber) => ({ partNumber, quantity: 1 }));

describe('lab AMC fixture', () => {
  it('the default accounts hold one ARID per base package, as the README lists them', () => {
    checkAmcFixture(DEFAULT_AMC_FIXTURE);
    const records = DEFAULT_AMC_FIXTURE.accounts.flatMap((a) => a.arids.map((r) => ({ account: a.name, ...r })));
    const facts = Object.fromEntries(records.map((r) => [r.arid, [r.account, checkRecord(r).base.partNumber, checkRecord(r).platform, r.ulmGroup ?? null]]));
    expect(facts).toEqual({
      'ARID-LAB-0001': ['OpenOIG Lab', '54005785', 'virtual', null],
      'ARID-LAB-0002': ['OpenOIG Lab', '54005784', 'physical', null],
      'ARID-LAB-0003': ['OpenOIG Lab', '54006217', 'virtual', 'LAB-ULM-1'],
      'ARID-LAB-0004': ['OpenOIG Lab', '54006216', 'physical', 'LAB-ULM-1'],
      'ARID-LAB-0005': ['OpenOIG Lab Service Provider', '54006210', 'either', 'LAB-ULM-SP'],
      'ARID-LAB-0006': ['OpenOIG Lab Service Provider', '54006213', 'either', 'LAB-ULM-SP'],
      'ARID-LAB-0007': ['OpenOIG Lab', '54005787', 'either', null],
      'ARID-LAB-0008': ['OpenOIG Lab', '54005788', 'either', null],
      'ARID-LAB-0009': ['OpenOIG Lab', '54006307', 'either', null],
      'ARID-LAB-0010': ['OpenOIG Lab', '54005933', 'either', null],
      'ARID-LAB-0011': ['OpenOIG Lab', '54005785', 'virtual', null],
      'ARID-LAB-0012': ['OpenOIG Lab', '54005784', 'virtual', null],
      'ARID-LAB-0013': ['OpenOIG Lab', '54005785', 'virtual', null],
    });
    expect(checkRecord(records.find((r) => r.arid === 'ARID-LAB-0010') as AridRecordFixture).trial).toBe(true);
  });

  it('refuses a record without exactly one base package, naming it', () => {
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: parts('54005792') }))).toMatch(
      /^fixture: accounts\[0\] \(Acme\)\.arids\[1\] \(ARID-BAD\): has no base package; an ARID holds exactly one/,
    );
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: parts('54005784', '54006217') }))).toBe(
      'fixture: accounts[0] (Acme).arids[1] (ARID-BAD): has 2 base packages (54005784, 54006217); an ARID holds exactly one',
    );
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: [{ partNumber: '54005785', quantity: 2 }] }))).toMatch(/base package 54005785 must have quantity 1$/);
  });

  it('refuses unknown or repeated parts, a misplaced upgrade and a reused ARID', () => {
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: parts('54005785', '12345678') }))).toMatch(
      /\(ARID-BAD\): part 12345678 is not in the lab catalogue; give it a description to use it anyway$/,
    );
    expect(refused(withRecord({ arid: 'ARID-X', parts: [...parts('54005785'), { partNumber: '12345678', quantity: 1, description: 'lab part' }] }))).toBe('accepted');
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: parts('54005785', '54005792', '54005792') }))).toMatch(/part 54005792 is listed twice/);
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: parts('54005785', '54005786') }))).toMatch(
      /upgrade 54005786 \(physical to virtual\) applies only to base package 54005784, not 54005785$/,
    );
    expect(refused(withRecord({ arid: 'ARID-OK', parts: parts('54005784') }))).toBe(
      'fixture: accounts[0] (Acme).arids[1] (ARID-OK): ARID ARID-OK is already used by accounts[0] (Acme).arids[0] (ARID-OK); ARIDs are unique in the AMC',
    );
  });

  it('explains shape errors by entry', () => {
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: [{ partNumber: '54005785', quantity: 0 }] }))).toBe(
      'fixture: accounts[0] (Acme).arids[1] (ARID-BAD).parts[0] (54005785).quantity: Expected integer to be greater or equal to 1',
    );
    expect(refused(withRecord({ arid: 'ARID BAD', parts: parts('54005785') }))).toMatch(/^fixture: accounts\[0\] \(Acme\)\.arids\[1\] \(ARID BAD\)\.arid: Expected string to match/);
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: [{ partNumber: '5400578', quantity: 1 }] }))).toMatch(/\.parts\[0\] \(5400578\)\.partNumber: Expected string to match/);
    expect(refused(withRecord({ arid: 'ARID-BAD', parts: parts('54005785'), ulm: 'G' }))).toMatch(/\.arids\[1\] \(ARID-BAD\)\.ulm: Unexpected property$/);
    expect(refused({ accounts: [] })).toBe('fixture: accounts: Expected array length to be greater or equal to 1');
    expect(refused([])).toBe('fixture: (top level): Expected object');
  });

  it('reads a fixture file and says which file is wrong', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'amc-fixture-'));
    const file = path.join(dir, 'accounts.json');
    try {
      const fixture: AmcFixture = { accounts: [{ name: 'Acme', arids: [{ arid: 'ARID-1', parts: parts('54005784'), ulmGroup: null }] }] };
      await writeFile(file, JSON.stringify(fixture));
      expect(await readAmcFixture(file)).toEqual(fixture);
      await writeFile(file, JSON.stringify({ accounts: [{ name: 'Acme', arids: [{ arid: 'ARID-1', parts: parts('54005792') }] }] }));
      await expect(readAmcFixture(file)).rejects.toThrow(`${file}: accounts[0] (Acme).arids[0] (ARID-1): has no base package`);
      await writeFile(file, '{"accounts": [');
      await expect(readAmcFixture(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*JSON`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
