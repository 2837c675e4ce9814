import cron from 'node-cron';
import type { DeliveryRecord } from '../domain/usage/ports';
import type { Logger } from '../log';

/** Seed: "the Mitel OIG usage report is delivered on the first day of each month". */
export const DEFAULT_USAGE_REPORT_CRON = '0 0 1 * *';

/**
 * The schedule runs in UTC, like the usage days: at 00:00 UTC on the 1st the previous month is
 * complete everywhere the report is read, and the run's moment always lies in the month after
 * the one reported (a local time zone east of UTC would fire on the last day of the month).
 */
export const USAGE_REPORT_TIME_ZONE = 'Etc/UTC';

/** How the job is put on the clock (node-cron; tests pass their own to fire "the 1st" at will). */
export type Scheduler = (expression: string, run: () => void, options: { name: string; timezone: string }) => { stop(): void };

const nodeCron: Scheduler = (expression, run, options) => {
  const task = cron.schedule(expression, run, { ...options, noOverlap: true });
  return { stop: () => void task.stop() };
};

export interface UsageReportJob {
  /** What the schedule runs: the previous month's report, once per month. */
  trigger(): Promise<DeliveryRecord | undefined>;
  stop(): void;
}

/**
 * Sends the monthly usage report on schedule, and once at start for a 1st the gateway was not
 * running on (the report service sends each month once, so this never repeats a month).
 */
export function scheduleUsageReport(
  reports: { runMonthly(): Promise<DeliveryRecord | undefined> },
  options: { expression?: string; log: Logger; schedule?: Scheduler; catchUpAtStart?: boolean },
): UsageReportJob {
  const expression = options.expression ?? DEFAULT_USAGE_REPORT_CRON;
  if (!cron.validate(expression)) throw new Error(`invalid usage report schedule '${expression}'`);
  const trigger = async (): Promise<DeliveryRecord | undefined> => {
    try {
      return await reports.runMonthly();
    } catch (err) {
      options.log.error({ reason: err instanceof Error ? err.message : String(err) }, 'monthly usage report run failed');
      return undefined;
    }
  };
  const task = (options.schedule ?? nodeCron)(expression, () => void trigger(), { name: 'usage-report', timezone: USAGE_REPORT_TIME_ZONE });
  options.log.info({ schedule: expression, timeZone: USAGE_REPORT_TIME_ZONE }, 'monthly usage report scheduled');
  if (options.catchUpAtStart ?? true) void trigger();
  return { trigger, stop: () => task.stop() };
}
