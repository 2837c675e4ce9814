import type { LicensingOverview } from '../licensing/licence-pools';
import { isWholeMonth, type ApplicationRef, type ApplicationUsageDay, type DayRange, type UsageData } from './usage';

/**
 * The usage report e-mail (seed: "Send Mitel OIG Usage Report"): a subject, a summary a person
 * reads, and a CSV a service provider feeds to billing. Pure: the same inputs give the same mail.
 *
 * The seed does not describe the report's contents. Its only CSV layout (Table 12) is the
 * MiVoice Integration for Google user list, whose fields (primary_email, phone_number, …) we do
 * not have; the CSV follows its conventions instead: a header row of lowercase snake_case field
 * names, one record per row, UTF-8 with a byte order mark (the seed's Excel procedure expects one).
 */
export interface GatewayFacts {
  /** What the administrator calls this gateway (the host name unless configured). */
  readonly name: string;
  readonly version: string;
  /** Where it runs, e.g. its address or FQDN. */
  readonly host?: string;
}

export interface ReportInput {
  readonly gateway: GatewayFacts;
  readonly period: DayRange;
  readonly usage: UsageData;
  readonly generatedAt: Date;
  /** Licence lines to show as they are (e.g. "Call Control users: 250"), when licensing knows them. */
  readonly licence?: readonly string[];
}

export interface UsageReport {
  readonly subject: string;
  readonly text: string;
  readonly csv: { readonly filename: string; readonly content: string; readonly contentType: string };
}

/** The CSV's columns, in order. `record_type` is `gateway` (whole gateway, company and application empty) or `application`. */
export const CSV_COLUMNS = [
  'record_type',
  'gateway_name',
  'date',
  'company_name',
  'application_name',
  'sessions_opened',
  'peak_sessions',
  'peak_monitors',
  'peak_integration_users',
] as const;

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function monthName(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1]} ${day.slice(0, 4)}`;
}

/** "November 2026", or "November 2026, 1 to 17 (month to date)". */
export function periodLabel(period: DayRange): string {
  if (isWholeMonth(period)) return monthName(period.from);
  if (period.from.slice(0, 7) === period.to.slice(0, 7) && period.from.endsWith('-01')) {
    return `${monthName(period.from)}, 1 to ${Number(period.to.slice(8))} (month to date)`;
  }
  return `${period.from} to ${period.to}`;
}

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. Text that a spreadsheet
 * would run as a formula (= + - @, tab, CR first) gets a leading apostrophe (OWASP CSV injection).
 */
function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function fileSafe(name: string): string {
  return (
    name
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 64) || 'gateway'
  );
}

interface Peak {
  value: number;
  day: string | null;
}

interface Totals {
  sessionsOpened: number;
  peakSessions: Peak;
  peakMonitors: Peak;
  peakIntegrationUsers: Peak;
}

function totalsOf(days: ReadonlyArray<{ day: string; sessionsOpened: number; peakSessions: number; peakMonitors: number; peakIntegrationUsers: number }>): Totals {
  const t: Totals = { sessionsOpened: 0, peakSessions: { value: 0, day: null }, peakMonitors: { value: 0, day: null }, peakIntegrationUsers: { value: 0, day: null } };
  const higher = (peak: Peak, value: number, day: string): void => {
    if (value > peak.value) {
      peak.value = value;
      peak.day = day;
    }
  };
  for (const d of days) {
    t.sessionsOpened += d.sessionsOpened;
    higher(t.peakSessions, d.peakSessions, d.day);
    higher(t.peakMonitors, d.peakMonitors, d.day);
    higher(t.peakIntegrationUsers, d.peakIntegrationUsers, d.day);
  }
  return t;
}

const peakText = (p: Peak): string => (p.day ? `${p.value} (on ${p.day})` : '0');

/** A fixed locale, so the order does not depend on the machine's. */
const byName = (a: ApplicationRef, b: ApplicationRef): number =>
  a.companyName.localeCompare(b.companyName, 'en') || a.applicationName.localeCompare(b.applicationName, 'en');

const appKey = (a: ApplicationRef): string => `${a.companyName}\u0000${a.applicationName}`;

export function buildUsageReport(input: ReportInput): UsageReport {
  const { gateway, period, usage } = input;
  const label = periodLabel(period);
  const subject = `OpenOIG usage report: ${gateway.name}, ${label}`;

  const byApplication = new Map<string, { app: ApplicationRef; days: ApplicationUsageDay[] }>();
  for (const d of usage.applications) {
    const k = appKey(d);
    let entry = byApplication.get(k);
    if (!entry) {
      entry = { app: { companyName: d.companyName, applicationName: d.applicationName }, days: [] };
      byApplication.set(k, entry);
    }
    entry.days.push(d);
  }
  const applications = [...byApplication.values()].sort((a, b) => byName(a.app, b.app));
  const whole = totalsOf(usage.gateway);

  const text: string[] = [
    'OpenOIG usage report',
    '',
    `Gateway:    ${gateway.name}${gateway.host ? ` (${gateway.host})` : ''}, OpenOIG ${gateway.version}`,
    `Period:     ${label}: ${period.from} to ${period.to} (UTC days)`,
    `Generated:  ${input.generatedAt.toISOString()}`,
    '',
  ];
  if (applications.length === 0) {
    text.push('No application used the gateway in this period.');
  } else {
    text.push(
      'Whole gateway (highest concurrent use on any day):',
      `  Sessions opened:                 ${whole.sessionsOpened}`,
      `  Peak concurrent sessions:        ${peakText(whole.peakSessions)}`,
      `  Peak monitors:                   ${peakText(whole.peakMonitors)}`,
      `  Peak MiVoice Integration users:  ${peakText(whole.peakIntegrationUsers)}`,
      '',
      'Per application (highest on any day of the period):',
      ...applications.flatMap(({ app, days }) => {
        const t = totalsOf(days);
        return [
          `  ${app.companyName} / ${app.applicationName}`,
          `    sessions opened ${t.sessionsOpened}, peak sessions ${t.peakSessions.value}, peak monitors ${t.peakMonitors.value}, peak MiVoice Integration users ${t.peakIntegrationUsers.value}`,
        ];
      }),
    );
  }
  if (input.licence && input.licence.length > 0) text.push('', 'Licence:', ...input.licence.map((l) => `  ${l}`));

  const filename = `openoig-usage-${fileSafe(gateway.name)}-${period.from}-to-${period.to}.csv`;
  text.push(
    '',
    `The attached ${filename} has one row per UTC day for the whole gateway (record_type "gateway")`,
    'and one per application and day (record_type "application"); peaks are the highest levels seen that day.',
  );

  const rows: string[] = [CSV_COLUMNS.join(',')];
  // Per day: the gateway's row, then its applications by name.
  const records = [
    ...usage.gateway.map((g) => ({ sort: `${g.day}\u0000`, app: null, cells: ['gateway', gateway.name, g.day, '', '', g.sessionsOpened, g.peakSessions, g.peakMonitors, g.peakIntegrationUsers] })),
    ...usage.applications.map((a) => ({
      sort: `${a.day}\u0001`,
      app: a,
      cells: ['application', gateway.name, a.day, a.companyName, a.applicationName, a.sessionsOpened, a.peakSessions, a.peakMonitors, a.peakIntegrationUsers],
    })),
  ].sort((x, y) => (x.sort < y.sort ? -1 : x.sort > y.sort ? 1 : x.app && y.app ? byName(x.app, y.app) : 0));
  for (const r of records) rows.push(r.cells.map(csvField).join(','));

  return {
    subject,
    text: `${text.join('\n')}\n`,
    csv: { filename, content: `\uFEFF${rows.join('\r\n')}\r\n`, contentType: 'text/csv; charset=utf-8' },
  };
}

/** The licence lines of the summary, from the Overview tab's Licensing panel (the licence pools' overview). */
export function licenceSummary(
  overview: Pick<LicensingOverview, 'problem' | 'basePackage' | 'standardCallControl' | 'advancedCallControl' | 'mivoiceForGoogle' | 'mivoiceForSalesforce' | 'dataAccess'>,
): string[] {
  const count = (label: string, c: LicensingOverview['standardCallControl']): string => `${label}: ${c.used} used of ${c.availableText}`;
  return [
    overview.basePackage ? `Base package: ${overview.basePackage.name} (${overview.basePackage.partNumber})` : 'Base package: none',
    count('Standard Call Control users', overview.standardCallControl),
    count('Advanced Call Control users', overview.advancedCallControl),
    count('MiVoice Integration for Google users', overview.mivoiceForGoogle),
    count('MiVoice Integration for Salesforce users', overview.mivoiceForSalesforce),
    count('Data Access', overview.dataAccess),
    ...(overview.problem ? [`Problem: ${overview.problem}`] : []),
  ];
}
