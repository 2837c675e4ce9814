import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gatewayEnvironment } from '../env-file';
import { account, run } from '../run';
import { runConsoleWizard, type Dialogs } from './console-wizard';
import { applyNetwork, NetworkApplyError } from './network';
import { readOvfEnvironment, type OvfEnvironment } from './ovf-environment';
import { completeSettings, describeSettings, PROPERTY, settingsFromProperties, type FirstBootSettings } from './settings';
import { applySystemSettings, zoneKnown } from './system-settings';
import type { TrustedNetwork } from '../protocol';
import { subnetsOf } from '../system/trusted-networks';
import { wiredInterface } from './network';

/**
 * First boot of a copy of the appliance (openoig-firstboot.service, before the gateway):
 *  1. the settings: from the OVF environment when it has them all (zero-touch), else from the
 *     console wizard, with the properties that were given as its proposals;
 *  2. host name, time zone, NTP, then the network (checked; one that does not come up is taken
 *     back and asked for again);
 *  3. this copy's own secrets: TLS certificate, database role and password, administrator
 *     password (openoig-firstboot-secrets);
 *  4. "Restore from backup?": `openoig-helper restore --url … --offline` (the gateway has not
 *     started yet);
 *  5. the ARID and the MiVoice Business: `openoig-gateway first-boot` as the gateway's user;
 *  6. a summary on the console and in the journal. Refusals (an ARID the licensing server
 *     refuses, a backup that cannot be restored) are reported there and leave a working
 *     appliance: they can be done again from the admin UI.
 * Until step 6 nothing marks first boot done, so an interrupted one runs again at the next boot.
 */
export interface FirstBootDeps {
  readonly root: string;
  readonly etcDir: string;
  readonly stateDir: string;
  readonly secretsCommand: string;
  readonly gatewayCommand: readonly string[];
  readonly helperCommand: string;
  readonly gatewayUser: string;
  readonly say: (line: string) => void;
  readonly readEnvironment?: () => Promise<OvfEnvironment | null>;
  /**
   * Trusted networks: the server manager for the appliance's own networks, the APIs from anywhere
   * (the helper's TrustedNetworks; the tests of the settings leave the system's firewall alone).
   */
  readonly trustNetworks?: (localSubnets: readonly string[]) => Promise<readonly TrustedNetwork[]>;
  /** The console the wizard asks on (whiptail on tty1 or ttyS0, whichever gets Enter first). */
  readonly openDialogs: () => Promise<Dialogs>;
}

export interface FirstBootResult {
  readonly settings: FirstBootSettings;
  readonly zeroTouch: boolean;
  readonly restore?: { ok: boolean; detail: string };
  readonly tasks?: Record<string, unknown>;
}

const DONE_FILE = 'firstboot.done';
const RESULT_FILE = 'firstboot-result.json';
/** An ovf-env.xml left on the disk for first boot (removed once done: it may hold passwords). */
export const LOCAL_ENVIRONMENT = 'ovf-env.xml';

async function settingsFor(deps: FirstBootDeps): Promise<{ settings: FirstBootSettings; zeroTouch: boolean; dialogs?: Dialogs }> {
  const knownZone = zoneKnown(deps.root);
  let env: OvfEnvironment | null = null;
  try {
    env = await (deps.readEnvironment ?? (() => readOvfEnvironment(path.join(deps.stateDir, LOCAL_ENVIRONMENT))))();
  } catch (err) {
    deps.say(`the OVF environment could not be read (${(err as Error).message}): asking on the console`);
  }
  if (env) deps.say(`OVF environment from ${env.source}: ${[...env.properties.keys()].filter((k) => (env?.properties.get(k) ?? '') !== '').join(', ') || 'no properties set'}`);
  else deps.say('no OVF environment: asking on the console');
  const reading = env ? settingsFromProperties(env.properties, knownZone) : { settings: {}, problems: [] };
  for (const p of reading.problems) deps.say(`OVF property ${p.key} refused: ${p.message}`);
  const complete = reading.problems.length === 0 ? completeSettings(reading.settings) : null;
  if (complete) return { settings: complete, zeroTouch: true };
  const dialogs = await deps.openDialogs();
  return { settings: await runConsoleWizard(dialogs, reading.settings, reading.problems, knownZone), zeroTouch: false, dialogs };
}

/** The backup and the licensing server are elsewhere: DHCP may still be answering. */
async function waitOnline(deps: FirstBootDeps): Promise<void> {
  await run('/usr/lib/systemd/systemd-networkd-wait-online', ['--any', '--timeout=90']).catch((err: Error) => deps.say(`the network is not online yet (${err.message}); trying anyway`));
}

async function runSecrets(deps: FirstBootDeps, adminPassword: string | null): Promise<void> {
  // The password goes by environment (only root can read another process's), never a command line.
  const out = await run(deps.secretsCommand, [], { env: adminPassword ? { OIG_FIRSTBOOT_ADMIN_PASSWORD: adminPassword } : {} });
  for (const line of out.trim().split('\n')) if (line) deps.say(line.replace(/^openoig-firstboot-secrets: /, ''));
}

async function restoreFrom(deps: FirstBootDeps, restore: NonNullable<FirstBootSettings['restore']>): Promise<{ ok: boolean; detail: string }> {
  const work = path.join(deps.stateDir, 'firstboot');
  await mkdir(work, { recursive: true, mode: 0o700 });
  const passphraseFile = path.join(work, 'restore-passphrase');
  const args = ['restore', '--url', restore.url, '--offline'];
  try {
    if (restore.passphrase) {
      await writeFile(passphraseFile, restore.passphrase, { mode: 0o600 });
      args.push('--passphrase-file', passphraseFile);
    }
    deps.say(`restoring the backup at ${restore.url}`);
    const out = await run(deps.helperCommand, args);
    const outcome = JSON.parse(out.trim().split('\n').pop() as string) as { guid?: string; productVersion?: string };
    return { ok: true, detail: `restored (GUID ${outcome.guid ?? 'none'}, made by ${outcome.productVersion ?? 'an unknown version'})` };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  } finally {
    await rm(passphraseFile, { force: true });
  }
}

async function gatewayTasks(deps: FirstBootDeps, settings: FirstBootSettings): Promise<Record<string, unknown> | undefined> {
  const request = { ...(settings.arid ? { arid: settings.arid } : {}), ...(settings.mivbAddress ? { mivb: { address: settings.mivbAddress } } : {}) };
  if (Object.keys(request).length === 0) return undefined;
  const env = await gatewayEnvironment(deps.etcDir);
  const [program, ...args] = deps.gatewayCommand as [string, ...string[]];
  const out = await run(program, args, { as: account(deps.gatewayUser), env: { ...env, LOG_LEVEL: 'warn' }, input: JSON.stringify(request) });
  return JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
}

function describeTasks(tasks: Record<string, unknown> | undefined): string[] {
  if (!tasks) return [];
  const lines: string[] = [];
  const licence = tasks.licence as { ok: boolean; state?: string; arid?: string; guid?: string; alreadyActive?: boolean; code?: string; message?: string } | undefined;
  if (licence?.ok) lines.push(`licence: ${licence.arid} ${licence.state}${licence.alreadyActive ? ' (from the backup)' : ''}${licence.guid ? `, GUID ${licence.guid}` : ''}`);
  else if (licence) lines.push(`licence NOT activated: ${licence.code}: ${licence.message} (activate it in Server Manager, Licensing)`);
  const mivb = tasks.mivb as { ok: boolean; address?: string; code?: string; message?: string } | undefined;
  if (mivb?.ok) lines.push(`MiVoice Business ${mivb.address} added as a network element`);
  else if (mivb) lines.push(`MiVoice Business NOT added: ${mivb.code}: ${mivb.message}`);
  return lines;
}

/** The networks the appliance is on now (with DHCP: once its lease came), trusted for everything. */
async function trustLocalNetworks(deps: FirstBootDeps, sys: { root: string; run: (program: string, args: readonly string[]) => Promise<string> }): Promise<void> {
  try {
    const nic = await wiredInterface(sys);
    const subnets = subnetsOf(JSON.parse(await sys.run('ip', ['-j', 'addr', 'show', 'dev', nic])) as Parameters<typeof subnetsOf>[0]);
    // Only a link-local IPv6 network would leave the LAN's technicians outside.
    if (!subnets.some((s) => !s.includes(':'))) throw new Error(`${nic} has no IPv4 address yet`);
    const list = await (deps.trustNetworks as NonNullable<FirstBootDeps['trustNetworks']>)(subnets);
    deps.say(`trusted networks: ${list.map((n) => `${n.network} (${[n.admin ? 'server manager' : '', n.api ? 'APIs' : ''].filter(Boolean).join(', ')})`).join(', ')}`);
  } catch (err) {
    // Not fatal: the appliance stays reachable from anywhere, as before, and the panel says so.
    deps.say(`trusted networks NOT set (everyone may reach the server manager until they are): ${(err as Error).message}`);
  }
}

export async function runFirstBoot(deps: FirstBootDeps): Promise<FirstBootResult> {
  const sys = { root: deps.root, run: (program: string, args: readonly string[]) => run(program, args) };
  let { settings, zeroTouch, dialogs } = await settingsFor(deps);
  for (;;) {
    await applySystemSettings(sys, settings);
    try {
      await applyNetwork(sys, settings.network, settings.domain);
      break;
    } catch (err) {
      if (!(err instanceof NetworkApplyError)) throw err;
      deps.say(`network not applied: ${err.message}`);
      // Asked again on the console, with the answers given so far proposed.
      dialogs ??= await deps.openDialogs();
      zeroTouch = false;
      settings = await runConsoleWizard(dialogs, settings, [{ key: PROPERTY.address, message: `The network did not come up: ${err.message}` }], zoneKnown(deps.root));
    }
  }
  for (const line of describeSettings(settings)) deps.say(line);
  if (settings.restore || settings.arid || settings.network.mode === 'dhcp') await waitOnline(deps);
  if (deps.trustNetworks) await trustLocalNetworks(deps, sys);
  await runSecrets(deps, settings.adminPassword);
  const result: { -readonly [K in keyof FirstBootResult]: FirstBootResult[K] } = { settings, zeroTouch };
  if (settings.restore) {
    result.restore = await restoreFrom(deps, settings.restore);
    deps.say(`restore from backup: ${result.restore.ok ? '' : 'FAILED: '}${result.restore.detail}`);
  }
  try {
    result.tasks = await gatewayTasks(deps, settings);
  } catch (err) {
    result.tasks = { error: (err as Error).message };
  }
  for (const line of describeTasks(result.tasks)) deps.say(line);
  const { adminPassword: _hidden, restore, ...shown } = settings;
  await writeFile(
    path.join(deps.stateDir, RESULT_FILE),
    `${JSON.stringify({ ...result, settings: { ...shown, restore: restore ? { url: restore.url, encrypted: restore.passphrase !== null } : null } }, null, 2)}\n`,
    { mode: 0o640 },
  );
  await rm(path.join(deps.stateDir, LOCAL_ENVIRONMENT), { force: true });
  await writeFile(path.join(deps.stateDir, DONE_FILE), `${new Date().toISOString()}\n`);
  deps.say('first boot done');
  return result;
}
