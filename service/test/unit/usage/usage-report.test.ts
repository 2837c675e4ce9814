import { describe, expect, it } from 'vitest';
import { buildUsageReport, CSV_COLUMNS, licenceSummary, periodLabel } from '../../../src/domain/usage/usage-report';
import { isDay, isWholeMonth, monthToDate, namedMonth, previousMonth } from '../../../src/domain/usage/usage';

const gateway = { name: 'oig 1/west', version: '1.2.3' };
const generatedAt = new Date('2026-12-01T00:00:01Z');
const figures = { sessionsOpened: 1, peakSessions: 1, peakMonitors: 2, peakIntegrationUsers: 0 };

function csvLines(content: string): string[] {
  expect(content.startsWith('\uFEFF')).toBe(true);
  expect(content.endsWith('\r\n')).toBe(true);
  return content.slice(1, -2).split('\r\n');
}

describe('report periods (UTC days)', () => {
  it('the monthly report covers the month before the run, across a year end and a leap February', () => {
    expect(previousMonth(new Date('2027-01-01T00:00:00Z'))).toEqual({ from: '2026-12-01', to: '2026-12-31' });
    expect(previousMonth(new Date('2028-03-01T00:00:00Z'))).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(previousMonth(new Date('2026-12-01T00:00:00.200Z'))).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('send now covers the 1st of the month up to today', () => {
    expect(monthToDate(new Date('2026-11-17T23:59:59Z'))).toEqual({ from: '2026-11-01', to: '2026-11-17' });
    expect(monthToDate(new Date('2026-11-01T00:00:00Z'))).toEqual({ from: '2026-11-01', to: '2026-11-01' });
  });

  it('names months and days strictly', () => {
    expect(namedMonth('2026-02')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    for (const bad of ['2026-13', '2026-00', '2026-1', 'November', '2026-11-01']) expect(namedMonth(bad)).toBeUndefined();
    expect(isDay('2026-02-29')).toBe(false);
    expect(isDay('2028-02-29')).toBe(true);
    expect(isWholeMonth({ from: '2026-11-01', to: '2026-11-30' })).toBe(true);
    expect(isWholeMonth({ from: '2026-11-01', to: '2026-11-29' })).toBe(false);
  });

  it('labels a whole month, a month to date and any other range', () => {
    expect(periodLabel({ from: '2026-11-01', to: '2026-11-30' })).toBe('November 2026');
    expect(periodLabel({ from: '2026-11-01', to: '2026-11-17' })).toBe('November 2026, 1 to 17 (month to date)');
    expect(periodLabel({ from: '2026-11-05', to: '2026-12-04' })).toBe('2026-11-05 to 2026-12-04');
  });
});

describe('the usage report', () => {
  it('says so when nothing was used, and its CSV has the header only', () => {
    const report = buildUsageReport({ gateway, period: { from: '2026-11-01', to: '2026-11-30' }, usage: { applications: [], gateway: [] }, generatedAt });
    expect(report.subject).toBe('OpenOIG usage report: oig 1/west, November 2026');
    expect(report.text).toContain('No application used the gateway in this period.');
    expect(report.text).toContain('Generated:  2026-12-01T00:00:01.000Z');
    expect(report.text).not.toContain('Licence:');
    expect(csvLines(report.csv.content)).toEqual([CSV_COLUMNS.join(',')]);
    expect(report.csv).toMatchObject({ filename: 'openoig-usage-oig-1-west-2026-11-01-to-2026-11-30.csv', contentType: 'text/csv; charset=utf-8' });
  });

  it('quotes CSV fields per RFC 4180 and defuses text a spreadsheet would run as a formula', () => {
    const apps = [
      { companyName: '=HYPERLINK("http://x","y")', applicationName: '+cmd', ...figures },
      { companyName: 'Quote "Co"', applicationName: 'line\nbreak', ...figures },
      { companyName: '-5', applicationName: '@sum', ...figures },
    ].map((a) => ({ day: '2026-11-02', ...a }));
    const report = buildUsageReport({ gateway: { ...gateway, name: 'gw,1' }, period: { from: '2026-11-01', to: '2026-11-30' }, usage: { applications: apps, gateway: [] }, generatedAt });
    const content = report.csv.content;
    expect(content).toContain(`application,"gw,1",2026-11-02,"'=HYPERLINK(""http://x"",""y"")",'+cmd,1,1,2,0\r\n`);
    expect(content).toContain(`application,"gw,1",2026-11-02,"Quote ""Co""","line\nbreak",1,1,2,0\r\n`);
    expect(content).toContain(`application,"gw,1",2026-11-02,'-5,'@sum,1,1,2,0\r\n`);
  });

  it('orders rows by day, the gateway first, then applications by name; the summary takes the highest day', () => {
    const report = buildUsageReport({
      gateway,
      period: { from: '2026-11-01', to: '2026-11-30' },
      usage: {
        applications: [
          { day: '2026-11-09', companyName: 'b', applicationName: 'x', ...figures, peakSessions: 4 },
          { day: '2026-11-02', companyName: 'b', applicationName: 'x', ...figures },
          { day: '2026-11-02', companyName: 'a', applicationName: 'z', ...figures },
        ],
        gateway: [
          { day: '2026-11-09', ...figures, peakSessions: 4 },
          { day: '2026-11-02', ...figures, sessionsOpened: 2, peakSessions: 2, peakMonitors: 4 },
        ],
      },
      generatedAt,
      licence: ['Standard users: 10'],
    });
    expect(csvLines(report.csv.content).map((l) => l.split(',').slice(0, 5).join(','))).toEqual([
      'record_type,gateway_name,date,company_name,application_name',
      'gateway,oig 1/west,2026-11-02,,',
      'application,oig 1/west,2026-11-02,a,z',
      'application,oig 1/west,2026-11-02,b,x',
      'gateway,oig 1/west,2026-11-09,,',
      'application,oig 1/west,2026-11-09,b,x',
    ]);
    expect(report.text).toContain('Sessions opened:                 3');
    expect(report.text).toContain('Peak concurrent sessions:        4 (on 2026-11-09)');
    expect(report.text).toContain('Peak monitors:                   4 (on 2026-11-02)');
    expect(report.text).toContain('Peak MiVoice Integration users:  0\n');
    expect(report.text).toContain('  b / x\n    sessions opened 2, peak sessions 4, peak monitors 2, peak MiVoice Integration users 0');
    expect(report.text.indexOf('  a / z')).toBeLessThan(report.text.indexOf('  b / x'));
    expect(report.text).toContain('Licence:\n  Standard users: 10\n');
  });
});

describe('licence lines', () => {
  it('list the base package and each pool as used of available, and any problem', () => {
    const c = (used: number, availableText: string) => ({ used, available: Number.parseInt(availableText, 10), server: availableText.includes('Server'), availableText });
    expect(
      licenceSummary({
        problem: null,
        basePackage: { partNumber: '54006213', name: 'SP Subscription (OPEX) Base Package' },
        standardCallControl: c(12, '25000 (Server)'),
        advancedCallControl: c(0, '0'),
        mivoiceForGoogle: c(3, '100'),
        mivoiceForSalesforce: c(30, '25000 (Server)'),
        dataAccess: c(0, '1'),
      }),
    ).toEqual([
      'Base package: SP Subscription (OPEX) Base Package (54006213)',
      'Standard Call Control users: 12 used of 25000 (Server)',
      'Advanced Call Control users: 0 used of 0',
      'MiVoice Integration for Google users: 3 used of 100',
      'MiVoice Integration for Salesforce users: 30 used of 25000 (Server)',
      'Data Access: 0 used of 1',
    ]);
  });
});
