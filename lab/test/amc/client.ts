import { Agent, request } from 'undici';
import { verifyAmcEnvelope, type AmcEnvelope, type AmcPayload, type LabAmc } from '../../src/amc/index';

/**
 * What the tests see of the lab AMC: its HTTPS API, trusted through the AMC CA only. Every 200
 * answer is checked as the gateway will check it (certificate from the CA, signature over the
 * payload bytes) before a test looks at it.
 */
export interface Answer {
  readonly status: number;
  readonly body: { error?: { code: string; message: string } } & Partial<AmcEnvelope>;
  /** The verified payload of a 200 answer. */
  readonly payload: AmcPayload;
}

export class AmcTestClient {
  readonly dispatcher: Agent;
  verified = 0;

  constructor(private readonly amc: LabAmc) {
    this.dispatcher = new Agent({ connect: { ca: amc.ca.certPem } });
  }

  async raw(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: string): Promise<{ status: number; body: unknown }> {
    const response = await request(`${this.amc.url}${path}`, {
      method,
      dispatcher: this.dispatcher,
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    });
    return { status: response.statusCode, body: await response.body.json() };
  }

  async post(path: string, value: unknown): Promise<Answer> {
    const { status, body } = await this.raw('POST', path, JSON.stringify(value));
    const answer = body as Answer['body'];
    if (status !== 200) return { status, body: answer, payload: undefined as never };
    const payload = verifyAmcEnvelope(answer as AmcEnvelope, this.amc.ca.certPem);
    this.verified += 1;
    return { status, body: answer, payload };
  }

  activate(value: Record<string, unknown>): Promise<Answer> {
    return this.post('/api/v1/activate', value);
  }

  sync(value: Record<string, unknown>): Promise<Answer> {
    return this.post('/api/v1/sync', value);
  }

  deactivate(value: Record<string, unknown>): Promise<Answer> {
    return this.post('/api/v1/deactivate', value);
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }
}

/** The GUID the AMC bound a virtual activation to. */
export const guidOf = (answer: Answer): string => (answer.payload.binding as { guid: string }).guid;
