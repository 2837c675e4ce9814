import cron from 'node-cron';
import type { AclRegistry } from '../domain/acl/acl-registry';
import type { Logger } from '../log';

/** Refreshes the ACL on the configured schedule (seed: every 4 hours). */
export function scheduleAclRefresh(acl: AclRegistry, expression: string, log: Logger): { stop(): void } {
  if (!cron.validate(expression)) throw new Error(`invalid ACL refresh schedule '${expression}'`);
  const task = cron.schedule(expression, () => void acl.refresh(), { name: 'acl-refresh', noOverlap: true });
  log.info({ schedule: expression }, 'ACL refresh scheduled');
  return { stop: () => void task.stop() };
}
