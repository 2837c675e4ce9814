import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Logger } from 'pino';
import { AmcClient, UnconfiguredLicenceServer } from './amc/amc-client';
import type { Config } from './config';
import { normaliseAddress } from './domain/callcontrol/controllers';
import { Licensing } from './domain/licensing/licensing';
import { OigError, oigError } from './errors';
import { hardwareIdOf, readPem } from './startup-files';
import { createPool, migrate } from './storage/database';
import { PgActivationStore } from './storage/licence-store';
import { PgNetworkElementStore } from './storage/network-element-store';

/**
 * `openoig-gateway first-boot`: what first boot asks of the gateway before it first starts
 * (installation guide, deploying the OVA: the ARID, and the MiVoice Business it works with).
 * Reads one JSON request on stdin, migrates the database, activates the ARID against the
 * licensing server and records the controller as a network element, and prints what happened
 * to each as JSON: a refusal (a virtual ARID on a physical server, an unknown ARID, no licensing
 * server) is reported with its code and reason, and the other task still runs.
 */
export const FirstBootRequest = Type.Object(
  {
    arid: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    mivb: Type.Optional(Type.Object({ address: Type.String({ minLength: 1, maxLength: 64 }), name: Type.Optional(Type.String({ maxLength: 64 })) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
export type FirstBootRequest = Static<typeof FirstBootRequest>;

type Outcome<T> = ({ ok: true } & T) | { ok: false; code: string; message: string };

export interface FirstBootOutcome {
  licence?: Outcome<{ state: string; arid: string | null; guid: string | null; alreadyActive: boolean }>;
  mivb?: Outcome<{ id: string; address: string }>;
}

function refusal(err: unknown): { ok: false; code: string; message: string } {
  if (err instanceof OigError) return { ok: false, code: err.code, message: err.message };
  return { ok: false, code: 'OIG_INTERNAL', message: (err as Error).message };
}

export function parseFirstBootRequest(text: string): FirstBootRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw oigError('OIG_CONFIG_INVALID', 'first-boot expects one JSON object on stdin');
  }
  if (!Value.Check(FirstBootRequest, json)) {
    const first = [...Value.Errors(FirstBootRequest, json)][0];
    throw oigError('OIG_CONFIG_INVALID', `first-boot request: ${first?.path || '/'} ${first?.message ?? 'is invalid'}`);
  }
  return json;
}

export async function runFirstBootTasks(config: Config, request: FirstBootRequest, log: Logger): Promise<FirstBootOutcome> {
  if (!config.database.url) throw oigError('OIG_CONFIG_INVALID', 'first-boot needs DATABASE_URL');
  const pool = createPool(config.database.url);
  const outcome: FirstBootOutcome = {};
  try {
    await migrate(pool, 'up', log, { dir: config.database.migrationsDir });
    if (request.arid !== undefined) {
      const lc = config.licensing;
      const caPem = lc.amcCaFile ? await readPem(lc.amcCaFile, 'licensing server CA', 'OIG_AMC_CA_FILE') : undefined;
      const server = lc.amcUrl && caPem ? new AmcClient({ url: lc.amcUrl, caPem, timeoutMs: lc.timeoutMs }) : new UnconfiguredLicenceServer();
      try {
        const licensing = new Licensing({ server, store: new PgActivationStore(pool), platform: lc.platform, hardwareId: await hardwareIdOf(lc.hardwareId), graceMs: lc.graceDays * 86_400_000, log: log.child({ area: 'licensing' }) });
        await licensing.start();
        const before = licensing.status().licence;
        // A restored backup may already carry this ARID: then there is nothing to activate.
        const alreadyActive = before.arid === request.arid.trim() && before.state === 'active';
        const status = alreadyActive ? before : await licensing.activation.activate(request.arid);
        const binding = status.binding as { guid?: string } | null;
        outcome.licence = { ok: true, state: status.state, arid: status.arid, guid: binding?.guid ?? null, alreadyActive };
      } catch (err) {
        outcome.licence = refusal(err);
      } finally {
        await server.close();
      }
    }
    if (request.mivb) {
      try {
        const address = normaliseAddress(request.mivb.address);
        const element = await new PgNetworkElementStore(pool).addConfigured('MI_VB', address, request.mivb.name?.trim() || null);
        outcome.mivb = { ok: true, id: element.id, address: element.address };
      } catch (err) {
        outcome.mivb = refusal(err);
      }
    }
    return outcome;
  } finally {
    await pool.end();
  }
}
