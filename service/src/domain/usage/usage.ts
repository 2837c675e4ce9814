/**
 * Usage as the gateway records it (seed: "Send Mitel OIG Usage Report"; the service-provider
 * subscription model bills MiVoice Integration users "according to max concurrent usage").
 * Days are UTC calendar days ('YYYY-MM-DD'); months and report periods are made of them.
 */

export interface ApplicationRef {
  readonly companyName: string;
  readonly applicationName: string;
}

/** What an application holds at one moment. */
export interface UsageLevels {
  readonly sessions: number;
  readonly monitors: number;
  readonly integrationUsers: number;
}

/** One day's figures: sessions opened that day and the highest levels seen that day. */
export interface DayFigures {
  readonly sessionsOpened: number;
  readonly peakSessions: number;
  readonly peakMonitors: number;
  readonly peakIntegrationUsers: number;
}

export interface ApplicationUsageDay extends ApplicationRef, DayFigures {
  readonly day: string;
}

/** The whole gateway's day: its peaks are of the sum over applications at one moment, not a sum of peaks. */
export interface GatewayUsageDay extends DayFigures {
  readonly day: string;
}

export interface UsageData {
  readonly applications: readonly ApplicationUsageDay[];
  readonly gateway: readonly GatewayUsageDay[];
}

/** Whole UTC days from `from` up to and including `to`. */
export interface DayRange {
  readonly from: string;
  readonly to: string;
}

export const NO_LEVELS: UsageLevels = { sessions: 0, monitors: 0, integrationUsers: 0 };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;

/** The UTC day of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

function dayOf(year: number, monthIndex: number, date: number): string {
  return utcDay(new Date(Date.UTC(year, monthIndex, date)));
}

/** The calendar month before the one `now` is in: the monthly report's period. */
export function previousMonth(now: Date): DayRange {
  return { from: dayOf(now.getUTCFullYear(), now.getUTCMonth() - 1, 1), to: dayOf(now.getUTCFullYear(), now.getUTCMonth(), 0) };
}

/** From the 1st of `now`'s month to `now`'s day (seed: "Send Report To Email Now … current month-to-date"). */
export function monthToDate(now: Date): DayRange {
  return { from: dayOf(now.getUTCFullYear(), now.getUTCMonth(), 1), to: utcDay(now) };
}

/** A whole month named 'YYYY-MM', or undefined when the text is not one. */
export function namedMonth(month: string): DayRange | undefined {
  const m = MONTH.exec(month);
  if (!m) return undefined;
  const year = Number(m[1]);
  const index = Number(m[2]) - 1;
  if (index < 0 || index > 11) return undefined;
  return { from: dayOf(year, index, 1), to: dayOf(year, index + 1, 0) };
}

export function isDay(text: string): boolean {
  const m = DAY.exec(text);
  return m !== null && dayOf(Number(m[1]), Number(m[2]) - 1, Number(m[3])) === text;
}

/** The range is one whole calendar month. */
export function isWholeMonth(range: DayRange): boolean {
  const whole = namedMonth(range.from.slice(0, 7));
  return whole !== undefined && whole.from === range.from && whole.to === range.to;
}
