import { isIP } from 'node:net';
import { oigError } from '../../errors';
import type { Logger } from '../../log';
import type { LinkState, PbxLinks } from './pbx-port';
import type { NetworkElement, NetworkElementStore } from './ports';

export interface ControllersDeps {
  readonly store: NetworkElementStore;
  readonly links: PbxLinks;
  readonly connectWaitMs: number;
  readonly maxControllers: number;
  readonly log: Logger;
}

/** The MiVoice Business controllers as applications name them: icpId ↔ network element ↔ link. */
export class Controllers {
  private readonly byId = new Map<string, NetworkElement>();
  private readonly byAddress = new Map<string, NetworkElement>();

  constructor(private readonly deps: ControllersDeps) {}

  /** Loads the network elements and starts a link to every configured MiVoice Business. */
  async start(): Promise<void> {
    for (const element of await this.deps.store.list()) this.remember(element);
    for (const element of this.byId.values()) {
      if (element.configured && element.type === 'MI_VB') {
        this.deps.links.connect(element.address, 0).catch((err: Error) => {
          this.deps.log.warn({ icpId: element.id, address: element.address, err: err.message }, 'cannot keep a link to a configured controller');
        });
      }
    }
  }

  /**
   * getIcpId: the controller at `address` (an IP address, as applications give it), linked
   * on demand. Waits a little for a new link so the answer can say CONNECTED.
   */
  async byIpAddress(rawAddress: string): Promise<{ element: NetworkElement; state: LinkState }> {
    const address = normaliseAddress(rawAddress);
    let element = this.byAddress.get(address);
    if (!element) {
      // Checked before the element is stored, so a refused address leaves nothing behind.
      if (this.deps.links.addresses().length >= this.deps.maxControllers) {
        throw oigError('OIG_PBX_CONTROLLER_LIMIT_REACHED', `This gateway already talks to ${this.deps.maxControllers} controllers, its maximum`);
      }
      element = await this.deps.store.findOrAddDiscovered(address);
      this.remember(element);
    }
    if (element.type !== 'MI_VB') throw oigError('OIG_CC_INVALID_ARGUMENT', `${address} is a ${element.type} network element, not a MiVoice Business`);
    const state = await this.ensureLink(element);
    return { element, state };
  }

  /** Adds a configured MiVoice Business and starts its link. */
  async configure(rawAddress: string, name: string | null): Promise<NetworkElement> {
    const element = await this.deps.store.addConfigured('MI_VB', normaliseAddress(rawAddress), name);
    this.remember(element);
    await this.ensureLink(element, 0);
    return element;
  }

  list(): NetworkElement[] {
    return [...this.byId.values()];
  }

  /** The element of an icpId the application was given. */
  byIcpId(icpId: string): NetworkElement {
    const element = this.byId.get(icpId);
    if (!element || element.type !== 'MI_VB') {
      throw oigError('OIG_CC_UNKNOWN_ICP', `icpId ${icpId} is not a MiVoice Business known to this gateway; get one with getIcpId`);
    }
    return element;
  }

  /** The element at a controller address a device named (its primary or secondary). */
  async forAddress(address: string): Promise<NetworkElement> {
    const known = this.byAddress.get(address);
    if (known) return known;
    const element = await this.deps.store.findOrAddDiscovered(address);
    this.remember(element);
    return element;
  }

  /** The icpId of a linked address, for events; addresses always come from elements. */
  icpIdOf(address: string): string {
    return this.byAddress.get(address)?.id ?? '0';
  }

  state(address: string): LinkState {
    return this.deps.links.state(address);
  }

  /** Makes sure the controller at `address` is linked (it may be a device's secondary). */
  async ensureLink(element: NetworkElement, waitMs = this.deps.connectWaitMs): Promise<LinkState> {
    // The link manager refuses with its own coded errors (address, controller limit).
    return this.deps.links.connect(element.address, waitMs);
  }

  /** Takes an element the administrator added or changed (network-element-admin.ts). */
  remember(element: NetworkElement): void {
    const before = this.byId.get(element.id);
    if (before && before.address !== element.address) this.byAddress.delete(before.address);
    this.byId.set(element.id, element);
    this.byAddress.set(element.address, element);
  }

  /** Drops an element the administrator deleted and stops its link. */
  async forget(element: NetworkElement): Promise<void> {
    this.byId.delete(element.id);
    if (this.byAddress.get(element.address)?.id === element.id) this.byAddress.delete(element.address);
    await this.deps.links.release(element.address);
  }

  /** Refuses a new link beyond the gateway's controller limit, before anything is stored. */
  checkRoomFor(address: string): void {
    if (!this.deps.links.addresses().includes(address) && this.deps.links.addresses().length >= this.deps.maxControllers) {
      throw oigError('OIG_PBX_CONTROLLER_LIMIT_REACHED', `This gateway already talks to ${this.deps.maxControllers} controllers, its maximum`);
    }
  }

  async release(address: string): Promise<void> {
    await this.deps.links.release(address);
  }

  /** The element of an icpId, whatever its type (admin API). */
  find(icpId: string): NetworkElement | undefined {
    return this.byId.get(icpId);
  }
}

/** Canonical text of an IP address; anything else (host names included) is refused. */
export function normaliseAddress(raw: string): string {
  const text = raw.trim();
  const version = isIP(text);
  if (version === 0) throw oigError('OIG_CC_INVALID_ARGUMENT', `'${raw.slice(0, 64)}' is not an IP address; give the controller's IPv4 or IPv6 address`);
  if (version === 4) return text.split('.').map((part) => String(Number(part))).join('.');
  return text.toLowerCase();
}
