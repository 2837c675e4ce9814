import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import type { Dialogs } from './console-wizard';

/**
 * The wizard's questions drawn by whiptail (Debian's newt) on a console: tty1 (the VM's screen
 * in vSphere) and ttyS0 (the serial console). Both are offered; the first where someone presses
 * Enter is used, and the other says where the appliance is being set up.
 */
const BACKTITLE = 'OpenOIG first boot';

export interface Console {
  readonly tty: string;
  readonly fd: number;
  readonly term: string;
}

export function openConsole(tty: string): Console {
  // O_NOCTTY: the service has no controlling terminal and must not take one.
  const fd = openSync(`/dev/${tty}`, constants.O_RDWR | constants.O_NOCTTY);
  return { tty, fd, term: tty.startsWith('ttyS') ? 'vt220' : 'linux' };
}

function whiptail(c: Console, args: readonly string[]): { child: ChildProcess; done: Promise<{ code: number; answer: string }> } {
  // The answer comes on fd 3, so the screen (fd 1) and the answer never mix.
  const child = spawn('whiptail', ['--backtitle', BACKTITLE, '--output-fd', '3', ...args], {
    stdio: [c.fd, c.fd, c.fd, 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: c.term, LANG: 'C.UTF-8', NEWT_COLORS: '' },
  });
  let answer = '';
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (answer += d.toString()));
  const done = new Promise<{ code: number; answer: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 255, answer }));
  });
  return { child, done };
}

/** A serial line reports no size; whiptail then draws for 80×24 (vt220's terminfo). */
async function prepare(c: Console): Promise<void> {
  const args = c.term === 'vt220' ? ['sane', 'rows', '24', 'cols', '80'] : ['sane'];
  await new Promise<void>((resolve) => spawn('stty', args, { stdio: [c.fd, 'ignore', 'ignore'] }).once('close', () => resolve()));
}

export function whiptailDialogs(c: Console): Dialogs {
  const ask = async (args: string[]) => whiptail(c, args).done;
  return {
    async input(q) {
      const r = await ask(['--title', q.title, '--cancel-button', 'Back', q.password ? '--passwordbox' : '--inputbox', q.text, '12', '74', q.init]);
      return r.code === 0 ? r.answer : null;
    },
    async menu(q) {
      const r = await ask(['--title', q.title, '--cancel-button', 'Back', '--default-item', q.init, '--menu', q.text, '14', '74', String(q.items.length), ...q.items.flat()]);
      return r.code === 0 ? r.answer : null;
    },
    async yesNo(q) {
      const r = await ask(['--title', q.title, '--yes-button', q.yes, '--no-button', q.no, '--yesno', q.text, '20', '76']);
      return r.code === 0;
    },
    async message(q) {
      await ask(['--title', q.title, '--msgbox', q.text, '12', '74']);
    },
  };
}

/** Offers the wizard on every console given; resolves with the one where Enter was pressed. */
export async function takeConsole(ttys: readonly string[]): Promise<Console> {
  const consoles = ttys.flatMap((tty) => {
    try {
      return [openConsole(tty)];
    } catch {
      return [];
    }
  });
  if (consoles.length === 0) throw new Error(`no console to ask on (${ttys.join(', ')})`);
  await Promise.all(consoles.map(prepare));
  const offers = consoles.map((c) => ({ c, ...whiptail(c, ['--title', 'Set up this appliance', '--ok-button', 'Start', '--msgbox', 'This appliance has not been set up yet.\n\nPress Enter to set it up on this console.', '12', '74']) }));
  const winner = await Promise.race(offers.map((o) => o.done.then(() => o)));
  for (const o of offers) {
    if (o === winner) continue;
    o.child.kill('SIGTERM');
    await o.done.catch(() => undefined);
    await whiptail(o.c, ['--title', 'Set up in progress', '--infobox', `This appliance is being set up on ${winner.c.tty}.`, '8', '60']).done.catch(() => undefined);
    closeSync(o.c.fd);
  }
  return winner.c;
}
