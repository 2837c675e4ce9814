import type { Level, LevelWithSilent } from 'pino';
import type { Logger } from '../../log';

/**
 * The Options tab's logging level (installation guide "Options Tab", "General Options"): Error,
 * Warning, Info (the default) or Trace. It applies at once, without a restart: every logger of the
 * gateway is a pino child of the root one and reads its level through the prototype chain. The
 * administrator's choice is stored and applied again at the next start; until there is one, the
 * configured LOG_LEVEL stands.
 */
export const LOGGING_LEVELS = ['ERROR', 'WARNING', 'INFO', 'TRACE'] as const;
export type LoggingLevel = (typeof LOGGING_LEVELS)[number];

const PINO_LEVEL: Record<LoggingLevel, Level> = { ERROR: 'error', WARNING: 'warn', INFO: 'info', TRACE: 'trace' };
const OPTION = 'loggingLevel';

/** The seed's name for a pino level: the nearest of the four (debug shows as Trace: it is below Info). */
export function loggingLevelOf(level: LevelWithSilent | string): LoggingLevel {
  switch (level) {
    case 'trace':
    case 'debug':
      return 'TRACE';
    case 'info':
      return 'INFO';
    case 'warn':
      return 'WARNING';
    default:
      return 'ERROR';
  }
}

export interface OptionStore {
  get<T>(name: string): Promise<T | undefined>;
  set(name: string, value: unknown): Promise<void>;
}

export class LoggingLevelOption {
  constructor(
    private readonly root: Logger,
    private readonly store: OptionStore,
  ) {}

  /** Applies the stored choice, if the administrator made one. */
  async start(): Promise<void> {
    const stored = await this.store.get<string>(OPTION);
    if (stored && (LOGGING_LEVELS as readonly string[]).includes(stored)) this.apply(stored as LoggingLevel);
  }

  current(): { level: LoggingLevel; effective: string } {
    return { level: loggingLevelOf(this.root.level), effective: this.root.level };
  }

  async set(level: LoggingLevel): Promise<{ level: LoggingLevel; effective: string }> {
    await this.store.set(OPTION, level);
    const before = this.root.level;
    this.apply(level);
    // Logged at warn so the change itself shows at every level but Error.
    this.root.warn({ from: before, to: PINO_LEVEL[level] }, 'logging level changed by the administrator');
    return this.current();
  }

  private apply(level: LoggingLevel): void {
    this.root.level = PINO_LEVEL[level];
  }
}
