/**
 * The lab's numbering plan (lab/README.md "Numbering"): what a dialled string reaches, and the
 * rules behind `number.dialable` and `number.incoming`. NANP-like: area codes of 3 digits,
 * subscriber numbers of 7, national numbers of 10.
 */
export interface NumberingPlan {
  readonly outsidePrefix: string;
  readonly localCountryCode: string;
  readonly longDistancePrefix: string;
  readonly internationalPrefix: string;
  readonly localAreaCodes: readonly string[];
  readonly maxExtLength: number;
  readonly trunkPrefix: string;
}

export const DEFAULT_NUMBERING: NumberingPlan = {
  outsidePrefix: '9',
  localCountryCode: '1',
  longDistancePrefix: '1',
  internationalPrefix: '011',
  localAreaCodes: ['613'],
  maxExtLength: 4,
  trunkPrefix: '9',
};

export function completeNumbering(partial: Partial<NumberingPlan> | undefined): NumberingPlan {
  return { ...DEFAULT_NUMBERING, ...partial };
}

export type DialTarget = { readonly kind: 'internal'; readonly dn: string } | { readonly kind: 'external'; readonly digits: string } | { readonly kind: 'invalid' };

/**
 * What a dialled string reaches: the outside prefix and at least one digit go to the trunk
 * (the digits after the prefix), other digit strings are DNs. `+E.164` is first made dialable.
 */
export function analyseDialled(plan: NumberingPlan, dialled: string): DialTarget {
  const digits = dialled.startsWith('+') ? dialableNumber(plan, dialled) : dialled;
  if (digits === undefined || !/^[0-9*#]+$/.test(digits)) return { kind: 'invalid' };
  if (digits.startsWith(plan.outsidePrefix)) {
    const rest = digits.slice(plan.outsidePrefix.length);
    return /^[0-9]+$/.test(rest) ? { kind: 'external', digits: rest } : { kind: 'invalid' };
  }
  return { kind: 'internal', dn: digits };
}

/**
 * `number.dialable`: +<country><national> in the local country → outside prefix + national number
 * when it starts with a local area code, else outside prefix + long distance prefix + national
 * number; another country → outside prefix + international prefix + all digits.
 * "+16135550100" → "96135550100", "+14165550100" → "914165550100", "+442071234567" → "9011442071234567".
 */
export function dialableNumber(plan: NumberingPlan, e164: string): string | undefined {
  if (!/^\+[0-9]{4,15}$/.test(e164)) return undefined;
  const digits = e164.slice(1);
  if (!digits.startsWith(plan.localCountryCode)) return plan.outsidePrefix + plan.internationalPrefix + digits;
  const national = digits.slice(plan.localCountryCode.length);
  if (plan.localAreaCodes.some((area) => national.startsWith(area))) return plan.outsidePrefix + national;
  return plan.outsidePrefix + plan.longDistancePrefix + national;
}

/**
 * `number.incoming`: the E.164 numbers a number seen in a call event may stand for. An internal
 * DN (at most maxExtLength digits) stays as it is. An outgoing number (`incoming` false) loses the
 * outside prefix first. Then: international prefix + digits → "+digits"; long distance prefix +
 * 10 digits, or 10 digits → "+<country><10 digits>"; 7 digits → one number per local area code.
 */
export function incomingNumbers(plan: NumberingPlan, dialled: string, incoming: boolean): string[] {
  let digits = dialled.replace(/[\s()-]/g, '');
  if (digits.startsWith('+')) return [digits];
  if (!/^[0-9]+$/.test(digits)) return [];
  if (digits.length <= plan.maxExtLength && !digits.startsWith(plan.outsidePrefix)) return [digits];
  if (!incoming && digits.startsWith(plan.outsidePrefix)) digits = digits.slice(plan.outsidePrefix.length);
  const cc = plan.localCountryCode;
  if (digits.startsWith(plan.internationalPrefix)) return [`+${digits.slice(plan.internationalPrefix.length)}`];
  if (digits.length === plan.longDistancePrefix.length + 10 && digits.startsWith(plan.longDistancePrefix)) {
    return [`+${cc}${digits.slice(plan.longDistancePrefix.length)}`];
  }
  if (digits.length === 10) return [`+${cc}${digits}`];
  if (digits.length === 7) return plan.localAreaCodes.map((area) => `+${cc}${area}${digits}`);
  return [`+${cc}${digits}`];
}
