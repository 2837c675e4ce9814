import type { FastifyInstance } from 'fastify';
import type { LoggingLevel, LoggingLevelOption } from '../../../domain/options/logging-level';
import { change, read } from '../admin-openapi';
import { ERROR_RESPONSES, LoggingBody, ref } from '../admin-schemas';

/**
 * Options tab, "General Options": the logging level, applied without a restart. (The tab's usage
 * report panel is usage-routes.ts.)
 */
export interface OptionsRouteDeps {
  readonly logging: LoggingLevelOption;
}

export async function optionsRoutes(secured: FastifyInstance, { logging }: OptionsRouteDeps): Promise<void> {
  const loggingAnswer = { 200: ref('LoggingOption'), ...ERROR_RESPONSES };
  secured.get('/options/logging', { schema: { ...read('getLoggingLevel', 'options', 'The logging level'), response: loggingAnswer } }, async () => logging.current());
  secured.put(
    '/options/logging',
    { schema: { ...change('setLoggingLevel', 'options', 'Sets the logging level at once (kept across restarts)'), body: LoggingBody, response: loggingAnswer } },
    async (request) => logging.set((request.body as { level: LoggingLevel }).level),
  );
}
