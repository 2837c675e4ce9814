import cron from 'node-cron';
import type { LicenceActivation } from '../domain/licensing/activation';
import type { Logger } from '../log';

/** Syncs the activated licence with the licensing server daily; a failure is recorded by the activation and retried next time. */
export function scheduleLicenceSync(activation: LicenceActivation, expression: string, log: Logger): { stop(): void } {
  if (!cron.validate(expression)) throw new Error(`invalid licence sync schedule '${expression}'`);
  const task = cron.schedule(
    expression,
    async () => {
      if (activation.status().arid === null) return;
      await activation.sync().catch(() => undefined);
    },
    { name: 'licence-sync', noOverlap: true },
  );
  log.info({ schedule: expression }, 'licence sync scheduled');
  return { stop: () => void task.stop() };
}
