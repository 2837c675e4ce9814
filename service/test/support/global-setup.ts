import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

/**
 * One real PostgreSQL for the whole run: the server given by DATABASE_URL, or an embedded
 * PostgreSQL 17 started in a child process (see postgres-process.ts for why not in this one).
 * Each test file creates its own database on it.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let server: ChildProcess | undefined;

async function startPostgresProcess(): Promise<string> {
  const script = fileURLToPath(new URL('./postgres-process.ts', import.meta.url));
  server = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const child = server;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the test PostgreSQL process exited early (code ${code})`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
  });
}

export async function setup(project: TestProject): Promise<void> {
  project.provide('databaseUrl', process.env.DATABASE_URL ?? (await startPostgresProcess()));
}

export async function teardown(): Promise<void> {
  const child = server;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin?.end();
  await exited;
}
