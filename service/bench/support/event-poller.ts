import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import { CC_HEADERS, CC_PATH, readEventAnswer, type EventAnswer } from './cc-bytes';

/**
 * One session's getEvent loop, as a polling application runs it: a getEvent is always
 * outstanding (the next is sent as soon as an answer is in), each waiting up to its timeout on
 * the gateway. Every answer goes to `onAnswer` with the time it was read, taken before
 * anything else is done with it.
 */
const RETRY_AFTER_FAILURE_MS = 100;

export class EventPoller {
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    /** This session's getEvent request bytes. */
    private readonly body: Buffer,
    private readonly onAnswer: (answer: EventAnswer, at: number) => void,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Sends no further getEvent; resolves when the outstanding one has answered. */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let answer: EventAnswer;
      try {
        const res = await this.pool.request({ path: CC_PATH, method: 'POST', headers: CC_HEADERS.getEvent, body: this.body });
        const text = await res.body.text();
        answer = res.statusCode === 200 ? readEventAnswer(text) : { kind: 'failed', text: `HTTP ${res.statusCode}: ${text.slice(0, 300)}` };
      } catch (err) {
        answer = { kind: 'failed', text: `${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}` };
      }
      this.onAnswer(answer, performance.now());
      // A broken session or connection must not turn into a busy loop.
      if (answer.kind === 'failed' && this.running) await sleep(RETRY_AFTER_FAILURE_MS);
    }
  }
}
