import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway';

/** Issue #6: the gateway serves the built admin UI at /admin/ (and the appliance's TLS front proxies it). */
let uiDir: string;
let lab: TestGateway;

const get = async (url: string) => {
  const res = await request(url, { method: 'GET' });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
};

beforeAll(async () => {
  uiDir = await mkdtemp(path.join(os.tmpdir(), 'openoig-ui-'));
  await mkdir(path.join(uiDir, 'assets'));
  await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>OpenOIG Administration</title><script type="module" src="/admin/assets/app-1234.js"></script>');
  await writeFile(path.join(uiDir, 'assets', 'app-1234.js'), 'console.log("ui")');
  lab = await startTestGateway({ config: { admin: { uiDir } } });
});

afterAll(async () => {
  await lab?.close();
  await rm(uiDir, { recursive: true, force: true });
});

describe('the admin UI at /admin/', () => {
  it('sends a browser at / or /admin to /admin/', async () => {
    for (const from of ['/', '/admin']) {
      const res = await get(`${lab.url}${from}`);
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/admin/');
    }
  });

  it('serves the page with a content security policy, re-checked on every load', async () => {
    const res = await get(`${lab.url}/admin/`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('OpenOIG Administration');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it("answers the UI's own page paths with the page, so a reload or a bookmark works", async () => {
    const res = await get(`${lab.url}/admin/oig/sessions`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('OpenOIG Administration');
    expect(res.headers['content-security-policy']).toBeDefined();
  });

  it('serves hashed assets as immutable and a missing asset as 404, never the page', async () => {
    const asset = await get(`${lab.url}/admin/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await get(`${lab.url}/admin/assets/gone-9999.js`)).status).toBe(404);
    expect((await get(`${lab.url}/admin/favicon.ico`)).status).toBe(404);
  });

  it('never serves a file outside the UI directory', async () => {
    const res = await get(`${lab.url}/admin/..%2f..%2fetc%2fpasswd`);
    expect(res.body).not.toContain('root:');
    expect([400, 403, 404, 200]).toContain(res.status);
    if (res.status === 200) expect(res.body).toContain('OpenOIG Administration');
  });

  it('leaves the admin API and the SOAP services where they were', async () => {
    const res = await get(`${lab.url}/api/admin/openapi.json`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).openapi).toMatch(/^3\.1/);
  });
});

describe('without a built UI', () => {
  it('explains how to build it instead of a bare 404', async () => {
    const other = await startTestGateway({ config: { admin: { uiDir: path.join(uiDir, 'missing') } }, arid: null });
    try {
      const res = await get(`${other.url}/admin/`);
      expect(res.status).toBe(503);
      expect(res.body).toContain('npm run build -w @openoig/admin-ui');
    } finally {
      await other.close();
    }
  });
});
