import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createLogger } from '../../src/log';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/storage/embedded-postgres';

/**
 * One real PostgreSQL for the whole run: the server given by DATABASE_URL, or an embedded
 * PostgreSQL 17 in a temporary directory. Each test file creates its own database on it.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let embedded: EmbeddedDatabase | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = await mkdtemp(path.join(os.tmpdir(), 'openoig-test-pg-'));
    embedded = await startEmbeddedPostgres(dir, createLogger('silent'), { persistent: false, database: 'postgres' });
    url = embedded.url;
  }
  project.provide('databaseUrl', url);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}
