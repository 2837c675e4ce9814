import { startLabMivb, type LabMivb, type LabMivbOptions } from '@openoig/lab/mivb';
import { freeLoopbackPort } from '../../src/storage/embedded-postgres';
import { startTestGateway, type TestGateway } from './gateway';

/** A gateway linked to a lab MiVoice Business cluster of its own (its own link port). */
export interface CcEnv {
  readonly gw: TestGateway;
  readonly lab: LabMivb;
  readonly url: string;
  close(): Promise<void>;
}

export const ICP1 = '127.1.0.1';
export const ICP2 = '127.1.0.2';

export async function startCcEnv(
  options: {
    lab?: Omit<LabMivbOptions, 'linkPort'>;
    config?: Record<string, unknown>;
    pbx?: Record<string, unknown>;
    /** More options of the test gateway (its licensing server and ARID, for one). */
    gateway?: Omit<NonNullable<Parameters<typeof startTestGateway>[0]>, 'config'>;
  } = {},
): Promise<CcEnv> {
  const linkPort = await freeLoopbackPort();
  const lab = await startLabMivb({ heartbeatMs: 500, ...options.lab, linkPort });
  const gw = await startTestGateway({
    ...options.gateway,
    config: {
      pbx: { linkPort, requestTimeoutMs: 2_000, reconnectMinMs: 50, reconnectMaxMs: 300, connectWaitMs: 2_000, ...options.pbx },
      ...options.config,
    },
  });
  return {
    gw,
    lab,
    url: gw.url,
    async close() {
      await gw.close();
      await lab.stop();
    },
  };
}
