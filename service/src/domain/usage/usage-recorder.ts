import type { Logger } from '../../log';
import type { ApplicationDayDelta, GatewayDayDelta, UsageStore } from './ports';
import { NO_LEVELS, utcDay, type ApplicationRef, type DayRange, type UsageData, type UsageLevels } from './usage';

export interface UsageRecorderDeps {
  readonly store: UsageStore;
  readonly log: Logger;
  readonly now?: () => Date;
  /** How often the figures gathered in memory are merged into the database. */
  readonly flushIntervalMs?: number;
}

type Figures = { sessionsOpened: number; peakSessions: number; peakMonitors: number; peakIntegrationUsers: number };

const key = (app: ApplicationRef): string => `${app.companyName}\u0000${app.applicationName}`;
const isZero = (l: UsageLevels): boolean => l.sessions === 0 && l.monitors === 0 && l.integrationUsers === 0;
const count = (n: number): number => (Number.isFinite(n) && n > 0 ? Math.floor(n) : 0);

function raise(figures: Figures, levels: UsageLevels): void {
  figures.peakSessions = Math.max(figures.peakSessions, levels.sessions);
  figures.peakMonitors = Math.max(figures.peakMonitors, levels.monitors);
  figures.peakIntegrationUsers = Math.max(figures.peakIntegrationUsers, levels.integrationUsers);
}

const empty = (): Figures => ({ sessionsOpened: 0, peakSessions: 0, peakMonitors: 0, peakIntegrationUsers: 0 });

/**
 * Per application and UTC day: sessions opened and the peaks of concurrent sessions, monitors
 * and MiVoice Integration users; and the same for the whole gateway (the peak of the sum at one
 * moment, which the sum of the applications' peaks would overstate).
 *
 * The hot path (a login, a monitor started) only updates Maps; the figures are merged into the
 * database every few seconds and on close. What an application holds when a day starts counts
 * for the new day too, so a session kept open over midnight shows in both days' peaks.
 */
export class UsageRecorder {
  /** Applications holding anything now, with what they hold. */
  private readonly live = new Map<string, { app: ApplicationRef; levels: UsageLevels }>();
  private total: UsageLevels = NO_LEVELS;
  private pendingApps = new Map<string, { day: string; app: ApplicationRef; figures: Figures }>();
  private pendingGateway = new Map<string, Figures>();
  /** The latest day the live levels have been carried into. */
  private currentDay: string | undefined;
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: UsageRecorderDeps) {
    this.timer = setInterval(() => void this.flush(), deps.flushIntervalMs ?? 5000);
    this.timer.unref();
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** A session of `app` was opened: counted for the day, and one more live session. */
  sessionOpened(app: ApplicationRef, at: Date = this.now()): void {
    const day = this.enterDay(at);
    this.appFigures(day, app).sessionsOpened += 1;
    this.gatewayFigures(day).sessionsOpened += 1;
    const current = this.live.get(key(app))?.levels ?? NO_LEVELS;
    this.apply(app, { ...current, sessions: current.sessions + 1 }, day);
  }

  /** A session of `app` ended (logout, expiry, shutdown). */
  sessionEnded(app: ApplicationRef, at: Date = this.now()): void {
    const day = this.enterDay(at);
    const current = this.live.get(key(app))?.levels ?? NO_LEVELS;
    this.apply(app, { ...current, sessions: Math.max(0, current.sessions - 1) }, day);
  }

  /** What `app` holds now; levels left out keep their last value (each feature reports its own). */
  concurrency(app: ApplicationRef, levels: Partial<UsageLevels>, at: Date = this.now()): void {
    const day = this.enterDay(at);
    const current = this.live.get(key(app))?.levels ?? NO_LEVELS;
    this.apply(
      app,
      {
        sessions: levels.sessions === undefined ? current.sessions : count(levels.sessions),
        monitors: levels.monitors === undefined ? current.monitors : count(levels.monitors),
        integrationUsers: levels.integrationUsers === undefined ? current.integrationUsers : count(levels.integrationUsers),
      },
      day,
    );
  }

  /** What every application holds now (admin views, tests). */
  current(): Array<ApplicationRef & UsageLevels> {
    return [...this.live.values()].map(({ app, levels }) => ({ companyName: app.companyName, applicationName: app.applicationName, ...levels }));
  }

  /** The recorded usage of whole UTC days, including what is still in memory. */
  async usageFor(range: DayRange): Promise<UsageData> {
    await this.flush();
    return this.deps.store.read(range);
  }

  /** Merges what was gathered since the last flush; a failed write is kept for the next one. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private apply(app: ApplicationRef, levels: UsageLevels, day: string): void {
    const k = key(app);
    const previous = this.live.get(k)?.levels ?? NO_LEVELS;
    this.total = {
      sessions: this.total.sessions + levels.sessions - previous.sessions,
      monitors: this.total.monitors + levels.monitors - previous.monitors,
      integrationUsers: this.total.integrationUsers + levels.integrationUsers - previous.integrationUsers,
    };
    if (isZero(levels)) this.live.delete(k);
    else this.live.set(k, { app: { companyName: app.companyName, applicationName: app.applicationName }, levels });
    raise(this.appFigures(day, app), levels);
    raise(this.gatewayFigures(day), this.total);
  }

  /** The day of `at`; on the first event of a new day, what is live now is carried into it. */
  private enterDay(at: Date): string {
    const day = utcDay(at);
    if (this.currentDay === undefined || day > this.currentDay) {
      this.currentDay = day;
      for (const { app, levels } of this.live.values()) raise(this.appFigures(day, app), levels);
      if (!isZero(this.total)) raise(this.gatewayFigures(day), this.total);
    }
    return day;
  }

  private appFigures(day: string, app: ApplicationRef): Figures {
    const k = `${day}\u0000${key(app)}`;
    let entry = this.pendingApps.get(k);
    if (!entry) {
      entry = { day, app: { companyName: app.companyName, applicationName: app.applicationName }, figures: empty() };
      this.pendingApps.set(k, entry);
    }
    return entry.figures;
  }

  private gatewayFigures(day: string): Figures {
    let figures = this.pendingGateway.get(day);
    if (!figures) {
      figures = empty();
      this.pendingGateway.set(day, figures);
    }
    return figures;
  }

  private async write(): Promise<void> {
    this.enterDay(this.now());
    if (this.pendingApps.size === 0 && this.pendingGateway.size === 0) return;
    const apps = this.pendingApps;
    const gateway = this.pendingGateway;
    this.pendingApps = new Map();
    this.pendingGateway = new Map();
    const appRows: ApplicationDayDelta[] = [...apps.values()].map(({ day, app, figures }) => ({ day, ...app, ...figures }));
    const gatewayRows: GatewayDayDelta[] = [...gateway.entries()].map(([day, figures]) => ({ day, ...figures }));
    try {
      await this.deps.store.merge(appRows, gatewayRows);
    } catch (err) {
      // Put the batch back under what arrived meanwhile: openings add up, peaks keep the greatest.
      for (const row of appRows) {
        const figures = this.appFigures(row.day, row);
        figures.sessionsOpened += row.sessionsOpened;
        raise(figures, { sessions: row.peakSessions, monitors: row.peakMonitors, integrationUsers: row.peakIntegrationUsers });
      }
      for (const row of gatewayRows) {
        const figures = this.gatewayFigures(row.day);
        figures.sessionsOpened += row.sessionsOpened;
        raise(figures, { sessions: row.peakSessions, monitors: row.peakMonitors, integrationUsers: row.peakIntegrationUsers });
      }
      this.deps.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'usage figures not written; keeping them for the next attempt');
    }
  }
}
