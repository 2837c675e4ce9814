import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';

const minimal = { OIG_ADMIN_PASSWORD: 'pw', OIG_MCS_URL: 'https://127.0.0.1:1', OIG_MCS_CA_FILE: '/x.pem' };

describe('configuration', () => {
  it('applies the seed defaults: 10 s keep-alive, 1500 sessions, ACL every 4 hours, port 8080', () => {
    const config = loadConfig(minimal);
    expect(config.sessions).toEqual({ timeoutMs: 10_000, max: 1500 });
    expect(config.mcs.refreshCron).toBe('0 */4 * * *');
    expect(config.http).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.database.url).toBeUndefined();
  });

  it('reads the environment with types', () => {
    const config = loadConfig({ ...minimal, PORT: '9090', OIG_MAX_SESSIONS: '15000', DATABASE_URL: 'postgres://u@h/db' });
    expect(config.http.port).toBe(9090);
    expect(config.sessions.max).toBe(15000);
    expect(config.database.url).toBe('postgres://u@h/db');
  });

  it('fails with one coded error naming every bad field and its variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', OIG_SESSION_TIMEOUT_MS: '5', DATABASE_URL: 'mysql://x' });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'OIG_CONFIG_INVALID' });
    const message = (error as Error).message;
    for (const name of ['PORT', 'OIG_SESSION_TIMEOUT_MS', 'DATABASE_URL', 'OIG_ADMIN_PASSWORD']) expect(message).toContain(name);
  });

  it('takes the certificate server URL and CA together or not at all', () => {
    expect(loadConfig({ OIG_ADMIN_PASSWORD: 'pw' }).mcs.url).toBeUndefined();
    expect(() => loadConfig({ OIG_ADMIN_PASSWORD: 'pw', OIG_MCS_URL: 'https://x' })).toThrow(/OIG_MCS_URL and OIG_MCS_CA_FILE go together/);
  });

  it('takes the TLS certificate and key together or not at all', () => {
    expect(loadConfig({ ...minimal, OIG_TLS_CERT_FILE: '/c.pem', OIG_TLS_KEY_FILE: '/k.pem', HTTPS_PORT: '9443' }).tls).toEqual({
      port: 9443,
      certFile: '/c.pem',
      keyFile: '/k.pem',
    });
    expect(() => loadConfig({ ...minimal, OIG_TLS_CERT_FILE: '/c.pem' })).toThrow(/OIG_TLS_CERT_FILE and OIG_TLS_KEY_FILE go together/);
  });
});
