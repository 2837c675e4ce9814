import type { MonitorPool } from './ports';

/**
 * The monitor pool until licensing provides the real ones: a configured number of monitors
 * shared first come, first served by all sessions.
 */
export class ConfiguredMonitorPool implements MonitorPool {
  private inUse = 0;

  constructor(readonly size: number) {}

  get used(): number {
    return this.inUse;
  }

  tryAcquire(_sessionId: string): boolean {
    if (this.inUse >= this.size) return false;
    this.inUse += 1;
    return true;
  }

  release(_sessionId: string): void {
    if (this.inUse > 0) this.inUse -= 1;
  }
}
