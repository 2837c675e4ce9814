import { rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServerProcess } from './processes';

/**
 * What a benchmark run started, undone whatever ends it: the normal end, an error, Ctrl+C (or
 * SIGTERM/SIGHUP) and an abort after --max-run-s all go through end(). Steps run in reverse
 * order of registration (last started, first stopped), each given a bounded time; child
 * processes and temporary directories also have a synchronous last resort in the 'exit'
 * handler, for a second Ctrl+C or an exit from elsewhere.
 */
interface Step {
  readonly name: string;
  readonly run: () => Promise<unknown>;
  readonly atExit?: () => void;
  done: boolean;
}

const STEP_LIMIT_MS = 40_000;

export class RunCleanup {
  private readonly steps: Step[] = [];
  private ending = false;

  constructor(private readonly report: (line: string) => void) {
    process.on('exit', () => {
      for (const step of [...this.steps].reverse()) if (!step.done) step.atExit?.();
    });
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (this.ending) process.exit(130); // second signal: the 'exit' handler kills what is left
        this.end(130, `${signal}: stopping and cleaning up...`);
      });
    }
  }

  /** True once the run is ending: loops should stop. */
  get stopping(): boolean {
    return this.ending;
  }

  /** Something to stop at the end (a pool, an in-process server). */
  add(name: string, run: () => Promise<unknown>, atExit?: () => void): void {
    this.steps.push({ name, run, ...(atExit ? { atExit } : {}), done: false });
  }

  /** A child process: SIGTERM with `graceMs` to finish, then SIGKILL of it and its descendants. */
  child(server: ServerProcess, graceMs: number): void {
    this.add(server.name, () => server.stop(graceMs), () => server.killNow());
  }

  tempDir(dir: string): void {
    this.add(`temporary directory ${dir}`, () => rm(dir, { recursive: true, force: true }), () => rmSync(dir, { recursive: true, force: true }));
  }

  /** Undoes everything, then exits with `code`. Only the first call counts. */
  end(code: number, reason?: string): void {
    if (this.ending) return;
    this.ending = true;
    if (reason) this.report(`\n${reason}`);
    void this.runAll().finally(() => process.exit(code));
  }

  private async runAll(): Promise<void> {
    for (const step of [...this.steps].reverse()) {
      try {
        const finished = await Promise.race([step.run().then(() => true), sleep(STEP_LIMIT_MS, false)]);
        if (!finished) this.report(`cleanup: ${step.name} did not stop within ${STEP_LIMIT_MS / 1000} s`);
      } catch (err) {
        this.report(`cleanup: ${step.name}: ${(err as Error).message}`);
      }
      // A step that failed or hung still gets its synchronous last resort.
      step.atExit?.();
      step.done = true;
    }
  }
}
