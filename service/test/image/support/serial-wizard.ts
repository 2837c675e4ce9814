import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * The first-boot console wizard driven over the serial console by a scripted terminal
 * (serial-terminal.py: pexpect for the line, pyte for the screen), with Debian's python3.
 */
const run = promisify(execFile);
const DRIVER = fileURLToPath(new URL('./serial-terminal.py', import.meta.url));

export interface TerminalStep {
  readonly expect: string;
  readonly send: string;
  readonly timeout?: number;
}

export const ENTER = '\r';
export const TAB = '\t';
/** Empties a whiptail entry (the cursor starts at the end of the proposed text). */
export const CLEAR = '\x7f'.repeat(40);

/** An answer typed into an input box, replacing what it proposes. */
export const typed = (expect: string, text: string, timeout?: number): TerminalStep => ({ expect, send: `${CLEAR}${text}${ENTER}`, ...(timeout ? { timeout } : {}) });
export const enter = (expect: string, timeout?: number): TerminalStep => ({ expect, send: ENTER, ...(timeout ? { timeout } : {}) });
/** The second button of a yes/no box. */
export const no = (expect: string): TerminalStep => ({ expect, send: `${TAB}${ENTER}` });

export async function driveSerialConsole(socket: string, steps: readonly TerminalStep[], workDir: string, name: string): Promise<{ ok: boolean; step?: number; expect?: string; screen?: string; transcript: string }> {
  const script = path.join(workDir, `${name}.json`);
  const transcript = path.join(workDir, `${name}.transcript`);
  await writeFile(script, JSON.stringify(steps));
  const { stdout } = await run('/usr/bin/python3', [DRIVER, socket, script, transcript], { timeout: 40 * 60_000, maxBuffer: 4 * 1024 * 1024 }).catch((err: { stdout?: string; message: string }) => ({ stdout: err.stdout || JSON.stringify({ ok: false, expect: err.message }) }));
  return { ...(JSON.parse(stdout.trim().split('\n').pop() as string) as { ok: boolean }), transcript };
}
