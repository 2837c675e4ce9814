import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { helperError } from '../errors';
import { applyNetwork, NetworkApplyError, STATIC_NETWORK_FILE, wiredInterface, type Network, type NetworkSystem } from '../firstboot/network';
import type { HelperLog } from '../helper-service';
import { writeSystemFile } from './system-file';
import type { NetworkChange, NetworkView } from '../protocol';

/**
 * Server Manager, Networks (issue #13): the appliance's IPv4 address changed from the browser.
 * A change is applied and checked (network.ts: it is taken back at once when it does not come
 * up), then it stays only if the browser confirms it within the window, from the new address:
 * proof that the administrator can still reach the appliance. Unconfirmed, it is taken back by
 * a timer outside the helper (systemd-run), so a helper that exits or crashes meanwhile changes
 * nothing. The confirmation token is random and kept only as its hash.
 */
export const CONFIRM_WINDOW_MS = 60_000;
/**
 * The change is made this long after the helper answers: the answer (with the token) has to
 * reach the browser over the old address, which may be gone a moment later.
 */
export const APPLY_DELAY_MS = 1500;

export interface NetworkPanelDeps {
  readonly sys: NetworkSystem;
  readonly stateDir: string;
  /** Arms the take-back (`openoig-helper network-revert` after the window). */
  readonly scheduleRevert: (afterMs: number) => Promise<void>;
  readonly cancelRevert: () => Promise<void>;
  readonly log: HelperLog;
  readonly now?: () => number;
  /** How long a change waits for its confirmation (CONFIRM_WINDOW_MS; the tests wait less). */
  readonly windowMs?: number;
  readonly applyDelayMs?: number;
}

interface Pending {
  readonly tokenSha256: string;
  /** The static file before the change (null: there was none, DHCP). */
  readonly previous: string | null;
  readonly confirmBy: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function parseStaticFile(text: string | null): { network: Network; domain: string | null } {
  if (text === null) return { network: { mode: 'dhcp' }, domain: null };
  const values = (key: string) => [...text.matchAll(new RegExp(`^${key}=(.+)$`, 'gm'))].map((m) => (m[1] as string).trim());
  const [address, prefix] = (values('Address')[0] ?? '').split('/');
  return {
    network: { mode: 'static', address: address ?? '', prefix: Number(prefix), gateway: values('Gateway')[0] ?? '', dns: values('DNS') },
    domain: values('Domains')[0] ?? null,
  };
}

export class NetworkPanel {
  private readonly now: () => number;

  constructor(private readonly deps: NetworkPanelDeps) {
    this.now = deps.now ?? Date.now;
  }

  private get file(): string {
    return path.join(this.deps.sys.root, STATIC_NETWORK_FILE);
  }

  private get pendingFile(): string {
    return path.join(this.deps.stateDir, 'network-pending.json');
  }

  /** Why the last change did not stay (it did not come up), for the panel. */
  private get problemFile(): string {
    return path.join(this.deps.stateDir, 'network-last-problem.json');
  }

  private async pending(): Promise<Pending | null> {
    const text = await readFile(this.pendingFile, 'utf8').catch(() => null);
    return text ? (JSON.parse(text) as Pending) : null;
  }

  async view(): Promise<NetworkView> {
    const nic = await wiredInterface(this.deps.sys);
    const configured = parseStaticFile(await readFile(this.file, 'utf8').catch(() => null));
    const addrs = JSON.parse(await this.deps.sys.run('ip', ['-j', '-4', 'addr', 'show', 'dev', nic])) as Array<{ addr_info: Array<{ local: string; prefixlen: number }> }>;
    const routes = JSON.parse(await this.deps.sys.run('ip', ['-j', '-4', 'route', 'show', 'default', 'dev', nic])) as Array<{ gateway?: string }>;
    const pending = await this.pending();
    const problem = await readFile(this.problemFile, 'utf8').catch(() => null);
    const c = configured.network;
    return {
      interface: nic,
      configured: c.mode === 'dhcp' ? { mode: 'dhcp' } : { mode: 'static', address: c.address, prefix: c.prefix, gateway: c.gateway, dns: [...c.dns] },
      current: { addresses: addrs.flatMap((a) => a.addr_info.map((i) => `${i.local}/${i.prefixlen}`)), gateway: routes[0]?.gateway ?? null },
      pending: pending ? { confirmBy: pending.confirmBy } : null,
      lastProblem: problem ? (JSON.parse(problem) as { at: string; message: string }) : null,
    };
  }

  /**
   * Takes the change (refused while another waits for its confirmation), arms its take-back and
   * answers the token that confirms it; the change itself is made a moment later
   * (APPLY_DELAY_MS), so this answer gets back first. One that does not come up is taken back
   * at once and its reason shown in the view's lastProblem.
   */
  async change(change: NetworkChange): Promise<{ view: NetworkView; token: string; confirmBy: string }> {
    if (await this.pending()) throw helperError('OIG_HELPER_BUSY', 'A network change is waiting for its confirmation; confirm it or let it go back first.');
    const previous = await readFile(this.file, 'utf8').catch(() => null);
    const { domain } = parseStaticFile(previous);
    const network: Network = change.mode === 'dhcp' ? { mode: 'dhcp' } : { mode: 'static', address: change.address, prefix: change.prefix, gateway: change.gateway, dns: change.dns };
    const delayMs = this.deps.applyDelayMs ?? APPLY_DELAY_MS;
    const windowMs = delayMs + (this.deps.windowMs ?? CONFIRM_WINDOW_MS);
    const token = randomBytes(32).toString('base64url');
    const confirmBy = new Date(this.now() + windowMs).toISOString();
    await mkdir(this.deps.stateDir, { recursive: true, mode: 0o700 });
    await rm(this.problemFile, { force: true });
    await writeFile(`${this.pendingFile}.new`, JSON.stringify({ tokenSha256: sha256(token), previous, confirmBy } satisfies Pending), { mode: 0o600 });
    await rename(`${this.pendingFile}.new`, this.pendingFile);
    // Armed before anything changes: whatever happens to the helper now, the change goes back.
    await this.deps.scheduleRevert(windowMs);
    const view = await this.view();
    setTimeout(() => void this.apply(network, domain), delayMs);
    return { view, token, confirmBy };
  }

  private async apply(network: Network, domain: string | null): Promise<void> {
    try {
      await applyNetwork(this.deps.sys, network, domain);
      this.deps.log.info({ mode: network.mode, ...(network.mode === 'static' ? { address: `${network.address}/${network.prefix}`, gateway: network.gateway } : {}) }, 'network changed; waiting for the browser to confirm');
    } catch (err) {
      // applyNetwork has put the previous file back for a change that did not come up; anything else goes back the timer's way.
      if (!(err instanceof NetworkApplyError)) await this.revertIfUnconfirmed().catch(() => undefined);
      await this.deps.cancelRevert().catch(() => undefined);
      await rm(this.pendingFile, { force: true });
      const message = err instanceof NetworkApplyError ? `The network change did not come up and was taken back: ${err.message}` : `The network change failed and was taken back: ${(err as Error).message}`;
      await writeFile(this.problemFile, JSON.stringify({ at: new Date(this.now()).toISOString(), message }), { mode: 0o600 });
      this.deps.log.error({ err: message }, 'network change taken back');
    }
  }

  async confirm(token: string): Promise<NetworkView> {
    const pending = await this.pending();
    const given = Buffer.from(sha256(token), 'hex');
    if (!pending || !timingSafeEqual(given, Buffer.from(pending.tokenSha256, 'hex')) || Date.parse(pending.confirmBy) < this.now()) {
      throw helperError('OIG_NETWORK_CONFIRM_REFUSED', 'There is no network change waiting for this confirmation (it was taken back, or confirmed already).');
    }
    await this.deps.cancelRevert();
    await rm(this.pendingFile, { force: true });
    this.deps.log.info({}, 'network change confirmed');
    return this.view();
  }

  /** The timer's end: an unconfirmed change is taken back. Answers whether it was. */
  async revertIfUnconfirmed(): Promise<boolean> {
    const pending = await this.pending();
    if (!pending) return false;
    if (pending.previous === null) await unlink(this.file).catch(() => undefined);
    else await writeSystemFile(this.file, pending.previous);
    const nic = await wiredInterface(this.deps.sys);
    await this.deps.sys.run('networkctl', ['reload']);
    await this.deps.sys.run('networkctl', ['reconfigure', nic]);
    await rm(this.pendingFile, { force: true });
    this.deps.log.info({}, 'network change not confirmed in time: the previous settings are back');
    return true;
  }
}
