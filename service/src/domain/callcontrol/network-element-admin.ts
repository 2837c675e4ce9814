import { InvalidFieldsError, OigError, oigError } from '../../errors';
import type { Controllers } from './controllers';
import { normaliseAddress } from './controllers';
import { checkSettings, FACTORY_DEFAULTS, type ElementSettings } from './element-settings';
import type { LinkState } from './pbx-port';
import type { NetworkElement, NetworkElementStore, NetworkElementType } from './ports';

/** What the Add/Edit Network Element dialog sends. */
export interface ElementInput {
  readonly address: string;
  readonly name?: string | null;
  readonly useDefaults: boolean;
  readonly mivb?: unknown;
  readonly micc?: unknown;
}

/** A network element as the Network Elements tab shows it: its settings in force and its link. */
export interface ElementView {
  readonly element: NetworkElement;
  readonly mivb: ElementSettings['MI_VB'] | null;
  readonly micc: ElementSettings['MI_CC'] | null;
  readonly connectionState: LinkState;
  readonly version: string | null;
}

export interface NetworkElementAdminDeps {
  readonly store: NetworkElementStore;
  readonly controllers: Controllers;
  readonly versionOf: (address: string) => string | undefined;
}

/**
 * The Network Elements tab (installation guide "Network Elements Tab"): add a MiVoice Business
 * (linked at once) or the one MiContact Center, Default or Custom; edit; delete (its link
 * stops); "Set Default Values" per type. Bad input is refused field by field, before anything
 * is stored.
 */
export class NetworkElementAdmin {
  constructor(private readonly deps: NetworkElementAdminDeps) {}

  async list(): Promise<ElementView[]> {
    const defaults = await this.defaults();
    return this.deps.controllers.list().map((element) => this.view(element, defaults));
  }

  async add(type: NetworkElementType, input: ElementInput): Promise<ElementView> {
    const change = this.check(type, input);
    if (type === 'MI_VB') this.deps.controllers.checkRoomFor(change.address);
    const element = await this.deps.store.add(type, change);
    this.deps.controllers.remember(element);
    if (type === 'MI_VB') await this.deps.controllers.ensureLink(element, 0);
    return this.view(element, await this.defaults());
  }

  async update(icpId: string, input: ElementInput): Promise<ElementView> {
    const before = this.existing(icpId);
    const change = this.check(before.type, input);
    const moved = change.address !== before.address;
    if (moved && before.type === 'MI_VB') this.deps.controllers.checkRoomFor(change.address);
    const element = await this.deps.store.update(icpId, change);
    if (!element) throw notFound(icpId);
    this.deps.controllers.remember(element);
    if (element.type === 'MI_VB') {
      if (moved) await this.deps.controllers.release(before.address);
      await this.deps.controllers.ensureLink(element, 0);
    }
    return this.view(element, await this.defaults());
  }

  async remove(icpId: string): Promise<void> {
    const element = this.existing(icpId);
    await this.deps.store.remove(icpId);
    await this.deps.controllers.forget(element);
  }

  async defaults(): Promise<ElementSettings> {
    const stored = await this.deps.store.defaults();
    // Stored defaults are re-checked: a value that no longer passes falls back to the factory one.
    const pick = <T extends NetworkElementType>(type: T): ElementSettings[T] => {
      try {
        return stored[type] ? checkSettings(type, stored[type]) : FACTORY_DEFAULTS[type];
      } catch {
        return FACTORY_DEFAULTS[type];
      }
    };
    return { MI_VB: pick('MI_VB'), MI_CC: pick('MI_CC') };
  }

  async setDefaults(type: NetworkElementType, input: unknown): Promise<ElementSettings> {
    await this.deps.store.setDefaults(type, { ...checkSettings(type, input) });
    return this.defaults();
  }

  private existing(icpId: string): NetworkElement {
    const element = this.deps.controllers.find(icpId);
    if (!element) throw notFound(icpId);
    return element;
  }

  /** The input as a stored change, or every bad field at once. */
  private check(type: NetworkElementType, input: ElementInput): { address: string; name: string | null; useDefaults: boolean; settings: Record<string, unknown> } {
    const problems: Record<string, string> = {};
    let address = '';
    try {
      address = normaliseAddress(input.address);
    } catch {
      problems.address = `Enter the IPv4 or IPv6 address of the ${type === 'MI_VB' ? 'MiVoice Business controller' : 'MiContact Center server'}`;
    }
    let settings: Record<string, unknown> = {};
    if (!input.useDefaults) {
      try {
        settings = { ...checkSettings(type, type === 'MI_VB' ? input.mivb : input.micc) };
      } catch (err) {
        if (!(err instanceof InvalidFieldsError)) throw err;
        Object.assign(problems, err.fields);
      }
    }
    if (Object.keys(problems).length > 0) throw new InvalidFieldsError(problems);
    const name = input.name?.trim() ? input.name.trim() : null;
    return { address, name, useDefaults: input.useDefaults, settings };
  }

  private view(element: NetworkElement, defaults: ElementSettings): ElementView {
    const settings = element.useDefaults ? defaults[element.type] : safeSettings(element, defaults);
    return {
      element,
      mivb: element.type === 'MI_VB' ? (settings as ElementSettings['MI_VB']) : null,
      micc: element.type === 'MI_CC' ? (settings as ElementSettings['MI_CC']) : null,
      connectionState: element.type === 'MI_VB' ? this.deps.controllers.state(element.address) : 'NOT_CONNECTED',
      version: (element.type === 'MI_VB' && this.deps.versionOf(element.address)) || null,
    };
  }
}

function safeSettings(element: NetworkElement, defaults: ElementSettings): ElementSettings[NetworkElementType] {
  try {
    return checkSettings(element.type, element.settings);
  } catch (err) {
    if (err instanceof OigError) return defaults[element.type];
    throw err;
  }
}

function notFound(icpId: string): OigError {
  return oigError('OIG_ADMIN_NE_NOT_FOUND', `No network element ${icpId}`);
}
