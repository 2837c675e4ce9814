/**
 * The events the lab controllers emit, as docs/pbx-link-protocol.md describes them. The string
 * unions hold only the values of the OIG enums (cc.xsd) this simulator uses; a test checks each
 * against the reference schema.
 */

export type CallEventType =
  | 'ACCOUNT_CODE_SET'
  | 'CALL_CLEAR'
  | 'CALL_CONFERENCED'
  | 'CALL_DELIVERED'
  | 'CALL_DIVERTED'
  | 'CALL_ESTABLISHED'
  | 'CALL_FAILED'
  | 'CALL_HELD'
  | 'CALL_ORIGINATED'
  | 'CALL_QUEUED'
  | 'CALL_RETRIEVED'
  | 'CALL_TRANSFERRED'
  | 'DEVICE_DROPPED'
  | 'IN_SERVICE'
  | 'OUT_OF_SERVICE'
  | 'TRUNK_DIGITS_OUTPULSED';

export type EventCause =
  | 'ACCOUNT_CODE_SET'
  | 'ALTERNATE_CALL_INVOKED'
  | 'ANSWERED'
  | 'CALLBACK_INVOKED'
  | 'CALLBACK_MATURED'
  | 'CALL_QUEUED'
  | 'CFA_DESTINATION_BUSY'
  | 'CFB_DESTINATION_BUSY'
  | 'CLEARED'
  | 'CONFERENCED'
  | 'CONFERENCE_CALL_HELD'
  | 'CONFERENCE_CALL_RETRIEVED'
  | 'CONFERENCE_MEMBER_DROPPED'
  | 'CONFERENCE_SPLIT'
  | 'CONS_HOLD'
  | 'DESTINATION_BUSY'
  | 'DESTINATION_DO_NOT_DISTURB'
  | 'DESTINATION_NOT_OBTAINABLE'
  | 'DEVICE_IN_SERVICE'
  | 'DEVICE_OUT_OF_SERVICE'
  | 'DIVERTED_ALWAYS_FROM'
  | 'DIVERTED_ALWAYS_TO'
  | 'DIVERTED_NO_ANSWER_FROM'
  | 'DIVERTED_NO_ANSWER_TO'
  | 'DIVERTED_ON_BUSY_FROM'
  | 'DIVERTED_ON_BUSY_TO'
  | 'DIVERTED_PICKUP_AWAY'
  | 'HARD_HOLD'
  | 'MEMBER_ANSWERED'
  | 'NEW_CALL'
  | 'NO_SUCH_NUMBER'
  | 'OTHER_DEVICE_CLEARED'
  | 'PICKUP'
  | 'REDIRECTED_FROM'
  | 'REDIRECTED_TO'
  | 'RETRIEVE'
  | 'SUPERVISED_TRANSFER'
  | 'TRUNK_DIGITS_OUTPULSED'
  | 'UNSUPERVISED_TRANSFER'
  | 'WAITING_CALL_RINGING';

export type CallState = 'DELIVERED' | 'ESTABLISHED' | 'FAILED' | 'HELD' | 'IDLE' | 'ORIGINATED' | 'OUT_OF_SERVICE' | 'QUEUED' | 'RECEIVED';

export type DeviceRole =
  | 'CALLING_DEVICE'
  | 'CALLED_DEVICE'
  | 'CONNECTED_DEVICE'
  | 'CONTROLLER_DEVICE'
  | 'DROPPED_DEVICE'
  | 'HOLDING_DEVICE'
  | 'NEW_DESTINATION_DEVICE'
  | 'ORIGINAL_DESTINATION_DEVICE'
  | 'PICKUP_DEVICE'
  | 'SPLITTING_DEVICE'
  | 'TRANSFER_CONTROLLER_DEVICE'
  | 'TRANSFERRED_DEVICE';

export type DeviceType = 'VOICE_SET_PRIME' | 'LINE_APPEARANCE' | 'PERSONAL_RING_GROUP' | 'EXTERNAL_DEVICE_TYPE' | 'UNKNOWN';

/** In the order of the `featuresAllowed` enum, which is the order events list them in. */
export const FEATURES_ALLOWED = [
  'ANSWER_CALL',
  'REDIRECT_CALL',
  'CAMPON_CALL',
  'SET_CALL_ME_BACK',
  'ALTERNATE_CALL',
  'TRADE_CALL',
  'CONFERENCE_CALL',
  'SPLIT_CONFERENCE_CALL',
  'CONSULTATION_CALL',
  'CANCEL_CONSULTATION_CALL',
  'TRANSFER_CALL',
  'SEND_CALLBACK_MESSAGE',
  'SET_ACCOUNT_CODE',
  'NEW_CALL',
  'CLEAR_CALL',
  'OUT_PULSE_DIGITS',
  'HOLD_CALL',
  'RETRIEVE_CALL',
] as const;
export type FeatureAllowed = (typeof FEATURES_ALLOWED)[number];

export type FeatureEventType =
  | 'DO_NOT_DISTURB'
  | 'CF_ALWAYS'
  | 'CF_BUSY_INTERNAL'
  | 'CF_BUSY_EXTERNAL'
  | 'CF_NO_ANSWER_INTERNAL'
  | 'CF_NO_ANSWER_EXTERNAL'
  | 'MSG_WAITING_INDICATOR'
  | 'HOT_DESK_USER'
  | 'JOIN_GROUP'
  | 'LEAVE_GROUP';

export type FeatureAttribute = 'FEATURE_EVENT_STATE' | 'DEVICE_NUMBER' | 'USER_DN' | 'GROUP_DN' | 'FORWARD_DN';

export interface PartyInfo {
  readonly number: string;
  readonly name: string;
  readonly deviceType: DeviceType;
}

export interface EventDevice extends PartyInfo {
  readonly role: DeviceRole;
  /** Button of the line appearance, when the device is one and the phone is known. */
  readonly line?: number;
}

export interface EventParty extends PartyInfo {
  readonly callId: number;
}

export interface CallEvent {
  readonly class: 'call';
  readonly type: CallEventType;
  readonly cause: EventCause;
  readonly state: CallState;
  readonly dn: string;
  readonly callId: number;
  readonly globalCallId: string | null;
  readonly devices: readonly EventDevice[];
  readonly parties: readonly EventParty[];
  readonly dialedDigits: string | null;
  readonly accountCode: string | null;
  readonly featuresAllowed: readonly FeatureAllowed[];
}

export interface FeatureEvent {
  readonly class: 'feature';
  readonly type: FeatureEventType;
  readonly dn: string;
  readonly attributes: Readonly<Partial<Record<FeatureAttribute, string>>>;
}

export type LabEvent = CallEvent | FeatureEvent;

/**
 * One event for the monitors of one device. `controller` pins the controller whose monitors
 * receive it (service events); otherwise the controller currently serving `dn` does.
 * `group` marks a personal ring group presence event, for `prg` monitors of the group `dn`.
 */
export interface Emission {
  readonly dn: string;
  readonly event: LabEvent;
  readonly controller?: string;
  readonly group?: boolean;
}

/** Compact text of a call event, as docs/pbx-link-protocol.md "Event sequences" lists them. */
export function describeEvent(event: LabEvent): string {
  if (event.class === 'feature') {
    const attrs = Object.entries(event.attributes)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    return `${event.type} {${attrs}}`;
  }
  const roles = event.devices
    .filter((d) => d.role !== 'CALLING_DEVICE' && d.role !== 'CALLED_DEVICE')
    .map((d) => `${d.role.replace(/_DEVICE$/, '')}=${d.number}${d.line === undefined ? '' : `[button ${d.line}]`}`);
  const base = event.devices.length ? `${num(event, 'CALLING_DEVICE')}→${num(event, 'CALLED_DEVICE')}` : '';
  return [`${event.type}/${event.cause}/${event.state}`, base, roles.join(' ')].filter(Boolean).join(' ');
}

function num(event: CallEvent, role: DeviceRole): string {
  return event.devices.find((d) => d.role === role)?.number ?? '?';
}
