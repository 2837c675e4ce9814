import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LastScheduledRun, Schedule, SftpTarget } from '../protocol';

/**
 * When scheduled backups are due, and what the helper keeps of them in its state directory
 * (root only: 0600): the schedule, the passphrase for unattended encrypted backups (it has to be
 * kept somewhere, and only root may read it there), the SFTP target, the last run, and the names
 * of the backups the schedule made.
 */
export interface ScheduleState {
  schedule: Schedule;
  /** When the schedule was last set: a slot before it is not made up for. */
  setAt: string;
  passphrase: string | null;
  target: SftpTarget | null;
  lastRun: LastScheduledRun | null;
  /** The backups the schedule made (retention prunes only these, never a manual backup). */
  scheduled: string[];
}

export const DEFAULT_SCHEDULE: Schedule = { frequency: 'off', hour: 2, weekday: 0, retention: 7, destination: 'local' };

/** The latest time the schedule called for at or before `now` (undefined when off). */
export function latestSlot(schedule: Schedule, now: Date): Date | undefined {
  if (schedule.frequency === 'off') return undefined;
  const slot = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), schedule.hour));
  if (schedule.frequency === 'daily') {
    if (slot > now) slot.setUTCDate(slot.getUTCDate() - 1);
    return slot;
  }
  const back = (slot.getUTCDay() - schedule.weekday + 7) % 7;
  slot.setUTCDate(slot.getUTCDate() - back);
  if (slot > now) slot.setUTCDate(slot.getUTCDate() - 7);
  return slot;
}

/** Due when a slot has come since the schedule was set and since the last run. */
export function isDue(state: Pick<ScheduleState, 'schedule' | 'setAt' | 'lastRun'>, now: Date): boolean {
  const slot = latestSlot(state.schedule, now);
  if (!slot) return false;
  const since = Math.max(Date.parse(state.setAt), state.lastRun ? Date.parse(state.lastRun.at) : 0);
  return slot.getTime() > since;
}

/** When the next scheduled backup runs: a slot that came and has not run yet, else the next one. */
export function nextRun(state: Pick<ScheduleState, 'schedule' | 'setAt' | 'lastRun'>, now: Date): Date | undefined {
  const slot = latestSlot(state.schedule, now);
  if (!slot) return undefined;
  if (isDue(state, now)) return slot;
  const next = new Date(slot);
  next.setUTCDate(next.getUTCDate() + (state.schedule.frequency === 'weekly' ? 7 : 1));
  return next;
}

export class ScheduleStore {
  constructor(private readonly dir: string) {}

  private get file(): string {
    return path.join(this.dir, 'schedule.json');
  }

  async read(): Promise<ScheduleState> {
    const text = await readFile(this.file, 'utf8').catch(() => undefined);
    if (!text) return { schedule: DEFAULT_SCHEDULE, setAt: new Date(0).toISOString(), passphrase: null, target: null, lastRun: null, scheduled: [] };
    return JSON.parse(text) as ScheduleState;
  }

  async write(state: ScheduleState): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFile(`${this.file}.new`, JSON.stringify(state), { mode: 0o600 });
    await rename(`${this.file}.new`, this.file);
  }
}
