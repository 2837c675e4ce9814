import { InvalidFieldsError } from '../../errors';
import type { NetworkElementType } from './ports';

/**
 * The Default/Custom settings of a network element (installation guide "Network Elements Tab":
 * "To add a custom MiVoice Business network element", "… MiContact Center …", "To set the
 * network element default values"). The MiVoice Business ones describe the cluster's dial plan
 * for E.164 numbers; the MiContact Center one the protocol of its REST API.
 */
export interface MivbSettings {
  /** The digits that get an outside line (e.g. 9). */
  readonly outsidePrefix: string;
  /** The installation's country code (1 for North America, 353 for Ireland). */
  readonly localCountryCode: string;
  /** The trunk prefix for national long-distance calls (1 in North America, 0 in Ireland). */
  readonly longDistancePrefix: string;
  /** The exit code for international calls (011 in North America, 00 in Europe). */
  readonly internationalPrefix: string;
  /** Area codes dialled as local numbers. */
  readonly localAreaCodes: readonly string[];
  /** The longest extension number of the cluster. */
  readonly maxExtensionLength: number;
  /** The digits a dial-in trunk inserts before an outside caller's number (Incoming Digit Modification – Insert). */
  readonly inboundTrunkServiceDigits: string;
}

export interface MiccSettings {
  readonly transport: 'http' | 'https';
}

export interface ElementSettings {
  readonly MI_VB: MivbSettings;
  readonly MI_CC: MiccSettings;
}

/** What a new installation starts with: a North American dial plan with outside prefix 9, MiCC over HTTPS. */
export const FACTORY_DEFAULTS: ElementSettings = {
  MI_VB: {
    outsidePrefix: '9',
    localCountryCode: '1',
    longDistancePrefix: '1',
    internationalPrefix: '011',
    localAreaCodes: [],
    maxExtensionLength: 7,
    inboundTrunkServiceDigits: '',
  },
  MI_CC: { transport: 'https' },
};

const MAX_AREA_CODES = 100;

type Problems = Record<string, string>;

function digits(problems: Problems, field: string, value: unknown, { min, max, what }: { min: number; max: number; what: string }): string {
  if (typeof value !== 'string' || !/^[0-9]*$/.test(value)) {
    problems[field] = `${what} must be digits only`;
    return '';
  }
  if (value.length < min || value.length > max) {
    problems[field] = min === 0 ? `${what} must be at most ${max} digits` : `${what} must be ${min === max ? min : `${min} to ${max}`} digits`;
  }
  return value;
}

/** The MiVoice Business settings, checked field by field; every bad field is named with its own message. */
export function checkMivbSettings(input: unknown): MivbSettings {
  const given = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
  const problems: Problems = {};
  const outsidePrefix = digits(problems, 'outsidePrefix', given.outsidePrefix, { min: 0, max: 4, what: 'Outside Prefix' });
  const localCountryCode = digits(problems, 'localCountryCode', given.localCountryCode, { min: 1, max: 3, what: 'Local Country Code' });
  const longDistancePrefix = digits(problems, 'longDistancePrefix', given.longDistancePrefix, { min: 0, max: 4, what: 'Long Distance Prefix' });
  const internationalPrefix = digits(problems, 'internationalPrefix', given.internationalPrefix, { min: 0, max: 4, what: 'International Prefix' });
  const inboundTrunkServiceDigits = digits(problems, 'inboundTrunkServiceDigits', given.inboundTrunkServiceDigits, { min: 0, max: 8, what: 'Inbound Trunk Service Digits' });
  const areas = given.localAreaCodes;
  let localAreaCodes: string[] = [];
  if (!Array.isArray(areas) || areas.some((a) => typeof a !== 'string' || !/^[0-9]{1,6}$/.test(a))) {
    problems.localAreaCodes = 'Local Area Codes must be a list of area codes of 1 to 6 digits each';
  } else if (areas.length > MAX_AREA_CODES) {
    problems.localAreaCodes = `Local Area Codes can hold at most ${MAX_AREA_CODES} area codes`;
  } else {
    localAreaCodes = [...new Set(areas as string[])];
  }
  const max = given.maxExtensionLength;
  if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10) {
    problems.maxExtensionLength = 'Max Extension Length must be a whole number from 1 to 10';
  }
  if (Object.keys(problems).length > 0) throw new InvalidFieldsError(problems);
  return { outsidePrefix, localCountryCode, longDistancePrefix, internationalPrefix, localAreaCodes, maxExtensionLength: max as number, inboundTrunkServiceDigits };
}

export function checkMiccSettings(input: unknown): MiccSettings {
  const transport = (typeof input === 'object' && input !== null ? (input as Record<string, unknown>).transport : undefined) as unknown;
  if (transport !== 'http' && transport !== 'https') throw new InvalidFieldsError({ transport: 'Transport Protocol must be http or https' });
  return { transport };
}

export function checkSettings<T extends NetworkElementType>(type: T, input: unknown): ElementSettings[T] {
  return (type === 'MI_VB' ? checkMivbSettings(input) : checkMiccSettings(input)) as ElementSettings[T];
}
