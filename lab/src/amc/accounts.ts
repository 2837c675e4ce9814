import { randomUUID } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { partInfo, TRIAL_DAYS, type Platform } from './catalogue';
import { AmcError } from './errors';
import { AmcFixtureError, AridRecordSchema, checkAmcFixture, checkRecord, type AmcFixture, type AridRecordFixture, type PartLine } from './fixture';

/**
 * The licence accounts and their activations: the AMC's side of activate, sync and deactivate.
 * No I/O: time comes from the clock, persistence through onChange, signing is the server's.
 */
export type Binding = { readonly hardwareId: string } | { readonly guid: string };

export interface AmcPayload {
  readonly format: 'openoig-amc/1';
  readonly kind: 'entitlement' | 'deactivation';
  readonly arid: string;
  readonly account: string;
  readonly platform: Platform;
  readonly binding: Binding;
  readonly parts: ReadonlyArray<{ partNumber: string; quantity: number; description: string }>;
  readonly ulmGroup: string | null;
  readonly issuedAt: string;
  readonly expiresAt: string | null;
  readonly serial: number;
}

export interface ActivationInfo {
  readonly arid: string;
  readonly account: string;
  readonly platform: Platform;
  readonly binding: Binding;
  readonly activatedAt: string;
  readonly expiresAt: string | null;
}

export interface ActivateRequest {
  readonly arid: string;
  readonly platform: Platform;
  readonly hardwareId?: string;
  readonly guid?: string;
}

/** sync and deactivate name the appliance by exactly one of these. */
export interface BoundRequest {
  readonly arid: string;
  readonly hardwareId?: string;
  readonly guid?: string;
}

interface AridState {
  activation: { platform: Platform; binding: Binding; activatedAt: number } | null;
  /** The trial's 60 days run from here, across deactivations. */
  firstActivatedAt: number | null;
  trialExpiresAt: number | null;
}

/** What survives a restart of the lab AMC (amc-state.json in the state directory). */
export interface AmcState {
  readonly format: 'openoig-lab-amc-state/1';
  readonly serial: number;
  readonly guids: readonly string[];
  readonly arids: Readonly<Record<string, AridState>>;
}

export interface Clock {
  now(): number;
}

const DAY_MS = 24 * 3600 * 1000;
const APPLIANCE: Record<Platform, string> = { physical: 'physical server', virtual: 'virtual appliance' };
const iso = (ms: number): string => new Date(ms).toISOString();
const describe = (b: Binding): string => ('guid' in b ? `GUID ${b.guid}` : `hardware id ${b.hardwareId}`);
const sameBinding = (a: Binding, b: Binding): boolean =>
  'guid' in a ? 'guid' in b && a.guid === b.guid : 'hardwareId' in b && a.hardwareId === b.hardwareId;

/** A record added or edited through the control API: shape and rules, or the reason it is refused. */
function checkedRecord(record: unknown): AridRecordFixture {
  const arid = (record as { arid?: unknown } | null)?.arid;
  const where = typeof arid === 'string' ? arid : 'ARID record';
  if (!Value.Check(AridRecordSchema, record)) {
    const error = Value.Errors(AridRecordSchema, record).First();
    throw new AmcFixtureError(`${where}: ${error?.path.slice(1).replaceAll('/', '.') || '(top level)'}: ${error?.message ?? 'invalid'}`);
  }
  try {
    checkRecord(record);
  } catch (e) {
    throw new AmcFixtureError(`${where}: ${(e as Error).message}`);
  }
  return record;
}

function wholeQuantity(quantity: number): void {
  if (!Number.isSafeInteger(quantity) || quantity < 1) throw new AmcFixtureError(`quantity ${quantity}: a whole number from 1`);
}

interface Entry {
  account: string;
  record: AridRecordFixture;
  state: AridState;
}

export class LicenceAccounts {
  private readonly entries = new Map<string, Entry>();
  private readonly guids: Set<string>;
  private serial: number;

  constructor(
    fixture: AmcFixture,
    private readonly clock: Clock,
    saved?: AmcState,
    private readonly onChange: (state: AmcState) => void = () => undefined,
  ) {
    checkAmcFixture(fixture);
    for (const account of fixture.accounts) {
      for (const record of account.arids) {
        const state = saved?.arids[record.arid] ?? { activation: null, firstActivatedAt: null, trialExpiresAt: null };
        this.entries.set(record.arid, { account: account.name, record: structuredClone(record), state: structuredClone(state) });
      }
    }
    this.guids = new Set(saved?.guids ?? []);
    this.serial = saved?.serial ?? 0;
  }

  activate(request: ActivateRequest): AmcPayload {
    const entry = this.entry(request.arid);
    this.checkPlatform(entry, request.platform);
    this.checkTrial(entry);
    let binding: Binding | undefined;
    if (request.platform === 'physical') binding = { hardwareId: request.hardwareId as string };
    else if (request.guid !== undefined) {
      const guid = request.guid.toLowerCase();
      if (!this.guids.has(guid)) throw new AmcError('UNKNOWN_GUID', `GUID ${guid} was not issued by this AMC; activate without a guid to get one`);
      binding = { guid };
    }
    const current = entry.state.activation;
    if (current) {
      if (binding && sameBinding(current.binding, binding)) return this.answer('entitlement', entry, current.platform, current.binding);
      // Names the kind of appliance, never its hardware id or GUID: those identify another customer's machine.
      throw new AmcError(
        'ALREADY_BOUND',
        `${request.arid} is already activated on another ${APPLIANCE[current.platform]}; deactivate it there, or clear its binding in the AMC`,
      );
    }
    if (!binding) {
      binding = { guid: randomUUID() };
      this.guids.add(binding.guid);
    }
    const now = this.clock.now();
    entry.state.activation = { platform: request.platform, binding, activatedAt: now };
    entry.state.firstActivatedAt ??= now;
    if (checkRecord(entry.record).trial) entry.state.trialExpiresAt ??= now + TRIAL_DAYS * DAY_MS;
    return this.answer('entitlement', entry, request.platform, binding);
  }

  sync(request: BoundRequest): AmcPayload {
    const entry = this.entry(request.arid);
    const activation = this.boundTo(entry, request);
    this.checkPlatform(entry, activation.platform);
    this.checkTrial(entry);
    return this.answer('entitlement', entry, activation.platform, activation.binding);
  }

  deactivate(request: BoundRequest): AmcPayload {
    const entry = this.entry(request.arid);
    const activation = this.boundTo(entry, request);
    entry.state.activation = null;
    return this.answer('deactivation', entry, activation.platform, activation.binding);
  }

  // --- control (tests, the HTTP control API) ---

  activations(): ActivationInfo[] {
    return [...this.entries.entries()].flatMap(([arid, e]) => {
      const a = e.state.activation;
      return a ? [{ arid, account: e.account, platform: a.platform, binding: a.binding, activatedAt: iso(a.activatedAt), expiresAt: this.expiresAt(e) }] : [];
    });
  }

  /** The accounts as a fixture, edits included. */
  fixture(): AmcFixture {
    const accounts = new Map<string, AridRecordFixture[]>();
    for (const e of this.entries.values()) accounts.set(e.account, [...(accounts.get(e.account) ?? []), structuredClone(e.record)]);
    return { accounts: [...accounts].map(([name, arids]) => ({ name, arids })) };
  }

  addArid(account: string, record: AridRecordFixture): void {
    const checked = checkedRecord(record);
    if (this.entries.has(checked.arid)) throw new AmcFixtureError(`ARID ${checked.arid} already exists (account ${this.entries.get(checked.arid)?.account})`);
    this.entries.set(checked.arid, { account, record: structuredClone(checked), state: { activation: null, firstActivatedAt: null, trialExpiresAt: null } });
    this.changed();
  }

  /** Adds quantity to the ARID's line for this part, or a new line. */
  addPart(arid: string, partNumber: string, quantity = 1, description?: string): void {
    const entry = this.entry(arid);
    wholeQuantity(quantity);
    const parts = entry.record.parts.map((line) => (line.partNumber === partNumber ? { ...line, quantity: line.quantity + quantity } : line));
    if (!parts.some((line) => line.partNumber === partNumber)) parts.push({ partNumber, quantity, ...(description ? { description } : {}) });
    this.replaceParts(entry, parts);
  }

  /** Takes quantity (default: all) of a part off the ARID. */
  removePart(arid: string, partNumber: string, quantity?: number): void {
    const entry = this.entry(arid);
    const line = entry.record.parts.find((l) => l.partNumber === partNumber);
    if (!line) throw new AmcFixtureError(`${arid} holds no part ${partNumber}`);
    if (quantity !== undefined) wholeQuantity(quantity);
    if (quantity !== undefined && quantity > line.quantity) throw new AmcFixtureError(`${arid} holds only ${line.quantity} of part ${partNumber}`);
    const left = line.quantity - (quantity ?? line.quantity);
    this.replaceParts(entry, left > 0 ? entry.record.parts.map((l) => (l === line ? { ...l, quantity: left } : l)) : entry.record.parts.filter((l) => l !== line));
  }

  setUlmGroup(arid: string, ulmGroup: string | null): void {
    if (ulmGroup === '') throw new AmcFixtureError('a ULM group name is not empty (null for none)');
    this.entry(arid).record.ulmGroup = ulmGroup;
    this.changed();
  }

  /** The trial is over from now on (it need not have been activated). */
  expireTrial(arid: string): void {
    const entry = this.entry(arid);
    if (!checkRecord(entry.record).trial) throw new AmcFixtureError(`${arid} is not a trial (base package ${checkRecord(entry.record).base.partNumber})`);
    entry.state.trialExpiresAt = this.clock.now();
    this.changed();
  }

  /** What a technician does in the AMC before a trial's database moves: the ARID is free again. */
  clearBinding(arid: string): void {
    this.entry(arid).state.activation = null;
    this.changed();
  }

  // --- internals ---

  private entry(arid: string): Entry {
    const entry = this.entries.get(arid);
    if (!entry) throw new AmcError('UNKNOWN_ARID', `no Application Record ${arid} in this AMC`);
    return entry;
  }

  private replaceParts(entry: Entry, parts: PartLine[]): void {
    entry.record = checkedRecord({ ...entry.record, parts });
    this.changed();
  }

  private checkPlatform(entry: Entry, platform: Platform): void {
    const facts = checkRecord(entry.record);
    if (facts.platform === 'either' || facts.platform === platform) return;
    const upgraded = facts.base.platform !== facts.platform ? ' upgraded to virtual (54005786)' : '';
    const holds = `${entry.record.arid} holds ${facts.base.description} (${facts.base.partNumber})${upgraded}`;
    throw new AmcError('PLATFORM_MISMATCH', `${holds}, which activates only on a ${APPLIANCE[facts.platform]}; this is a ${APPLIANCE[platform]}`);
  }

  private checkTrial(entry: Entry): void {
    const end = entry.state.trialExpiresAt;
    if (end !== null && this.clock.now() >= end) {
      throw new AmcError('TRIAL_EXPIRED', `the 60-day trial ${entry.record.arid} expired at ${iso(end)}; deactivate it and activate a purchased ARID`);
    }
  }

  private boundTo(entry: Entry, request: BoundRequest): NonNullable<AridState['activation']> {
    const activation = entry.state.activation;
    if (!activation) throw new AmcError('NOT_BOUND', `${request.arid} is not activated`);
    const binding: Binding = request.guid !== undefined ? { guid: request.guid.toLowerCase() } : { hardwareId: request.hardwareId as string };
    if (!sameBinding(activation.binding, binding)) throw new AmcError('NOT_BOUND', `${request.arid} is activated on another appliance, not on ${describe(binding)}`);
    return activation;
  }

  private expiresAt(entry: Entry): string | null {
    return entry.state.trialExpiresAt === null ? null : iso(entry.state.trialExpiresAt);
  }

  private answer(kind: AmcPayload['kind'], entry: Entry, platform: Platform, binding: Binding): AmcPayload {
    this.serial += 1;
    const payload: AmcPayload = {
      format: 'openoig-amc/1',
      kind,
      arid: entry.record.arid,
      account: entry.account,
      platform,
      binding,
      parts:
        kind === 'deactivation'
          ? []
          : entry.record.parts.map((line) => ({
              partNumber: line.partNumber,
              quantity: line.quantity,
              description: line.description ?? partInfo(line.partNumber)?.description ?? line.partNumber,
            })),
      ulmGroup: entry.record.ulmGroup ?? null,
      issuedAt: iso(this.clock.now()),
      expiresAt: this.expiresAt(entry),
      serial: this.serial,
    };
    this.changed();
    return payload;
  }

  private changed(): void {
    const arids: Record<string, AridState> = {};
    for (const [arid, e] of this.entries) arids[arid] = structuredClone(e.state);
    this.onChange({ format: 'openoig-lab-amc-state/1', serial: this.serial, guids: [...this.guids], arids });
  }
}
