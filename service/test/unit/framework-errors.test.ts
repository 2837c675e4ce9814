import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerFrameworkErrors } from '../../src/transport/framework-errors';

/**
 * fastify's refusals before routing (found by the fuzz suite: they answered in fastify's own
 * JSON, also under SOAP paths) answer in the form of the API the path belongs to.
 */
let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ frameworkErrors: answerFrameworkErrors(['/soap']) });
  app.get('/api/things/:id', async () => ({}));
  app.post('/soap/Service*', async () => '');
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});

describe('refusals before routing', () => {
  it('answers a percent-escape that does not decode in a path parameter with the JSON error form', async () => {
    const res = await app.inject('/api/things/%zz');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ code: 'OIG_REST_INVALID_REQUEST', message: 'Invalid request path /api/things/%zz' });
  });

  it('answers a path parameter over the router limit with 414 in the JSON error form', async () => {
    const res = await app.inject(`/api/things/${'1'.repeat(101)}`);
    expect(res.statusCode).toBe(414);
    expect(res.json()).toMatchObject({ code: 'OIG_REST_INVALID_REQUEST' });
  });

  it('answers the same under a SOAP path with a SOAP fault', async () => {
    for (const url of ['/soap/Service/%', '/soap/Service/%zz%']) {
      const res = await app.inject({ method: 'POST', url, payload: '<x/>', headers: { 'content-type': 'text/xml' } });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.body).toContain('code="OIG_SOAP_UNKNOWN_ENDPOINT"');
      expect(res.body).toContain('<faultcode>soapenv:Client</faultcode>');
    }
  });
});
