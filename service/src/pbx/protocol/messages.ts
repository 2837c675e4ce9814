import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { JsonObject } from '../transport/framing';

/**
 * The typed messages of the controller link, version 1 (docs/pbx-link-protocol.md).
 * Unknown extra fields are allowed (a later version may add some) and left alone; a message
 * with an unknown `type` or a missing/ill-typed field is a ProtocolError, which closes the link.
 */
export const PROTOCOL_VERSIONS = [1] as const;

const Int = (min: number) => Type.Integer({ minimum: min, maximum: Number.MAX_SAFE_INTEGER });
const NullableString = Type.Optional(Type.Union([Type.String(), Type.Null()]));
const JsonRecord = Type.Record(Type.String(), Type.Unknown());

export const ControllerInfoSchema = Type.Object({
  name: Type.String(),
  address: Type.String(),
  version: Type.String(),
  clusterId: Type.String(),
});

export const HelloSchema = Type.Object({
  type: Type.Literal('hello'),
  versions: Type.Array(Int(1), { minItems: 1, maxItems: 64 }),
  client: Type.String(),
});

export const WelcomeSchema = Type.Object({
  type: Type.Literal('welcome'),
  version: Int(1),
  heartbeatMs: Type.Integer({ minimum: 10, maximum: 3_600_000 }),
  controller: ControllerInfoSchema,
});

export const RefusedSchema = Type.Object({
  type: Type.Literal('refused'),
  code: Type.String(),
  message: Type.String(),
});

export const RequestSchema = Type.Object({
  type: Type.Literal('request'),
  id: Int(1),
  op: Type.String({ minLength: 1 }),
  args: JsonRecord,
});

const ErrorBodySchema = Type.Object({ code: Type.String(), message: Type.String() });

/** `ok: true` comes with `result` (an absent result reads as `{}`), `ok: false` with `error`. */
export const ResponseSchema = Type.Object({
  type: Type.Literal('response'),
  id: Int(1),
  ok: Type.Boolean(),
  result: Type.Optional(JsonRecord),
  error: Type.Optional(ErrorBodySchema),
});

export const PingSchema = Type.Object({ type: Type.Literal('ping'), n: Int(0) });
export const PongSchema = Type.Object({ type: Type.Literal('pong'), n: Int(0) });

export const ErrorSchema = Type.Object({
  type: Type.Literal('error'),
  code: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const DeviceSchema = Type.Object({
  role: Type.String(),
  number: Type.String(),
  name: NullableString,
  deviceType: NullableString,
  line: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
});

export const PartySchema = Type.Object({
  number: Type.String(),
  name: NullableString,
  deviceType: NullableString,
  callId: Int(0),
});

export const CallEventSchema = Type.Object({
  class: Type.Literal('call'),
  type: Type.String(),
  cause: Type.String(),
  state: Type.String(),
  dn: Type.String(),
  callId: Int(0),
  globalCallId: NullableString,
  devices: Type.Array(DeviceSchema),
  parties: Type.Array(PartySchema),
  dialedDigits: NullableString,
  accountCode: NullableString,
  featuresAllowed: Type.Optional(Type.Array(Type.String())),
});

export const FeatureEventSchema = Type.Object({
  class: Type.Literal('feature'),
  type: Type.String(),
  dn: Type.String(),
  attributes: Type.Record(Type.String(), Type.String()),
});

export const EventSchema = Type.Object({
  type: Type.Literal('event'),
  seq: Int(1),
  monitorId: Int(0),
  event: Type.Union([CallEventSchema, FeatureEventSchema]),
});

export type Hello = Static<typeof HelloSchema>;
export type Welcome = Static<typeof WelcomeSchema>;
export type Refused = Static<typeof RefusedSchema>;
export type Request = Static<typeof RequestSchema>;
export type Response = Static<typeof ResponseSchema>;
export type Ping = Static<typeof PingSchema>;
export type Pong = Static<typeof PongSchema>;
export type ErrorMessage = Static<typeof ErrorSchema>;
export type CallEvent = Static<typeof CallEventSchema>;
export type FeatureEvent = Static<typeof FeatureEventSchema>;
export type EventMessage = Static<typeof EventSchema>;

export type LinkMessage = Hello | Welcome | Refused | Request | Response | Ping | Pong | ErrorMessage | EventMessage;
export type MessageType = LinkMessage['type'];

/** A frame that is not a valid message of this protocol version. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

const compile = <T extends TSchema>(schema: T): TypeCheck<T> => TypeCompiler.Compile(schema);

// The event envelope is checked apart from its payload so errors name the payload's field.
const EventEnvelopeSchema = Type.Object({ type: Type.Literal('event'), seq: Int(1), monitorId: Int(0), event: Type.Object({ class: Type.String() }) });

const checks = {
  hello: compile(HelloSchema),
  welcome: compile(WelcomeSchema),
  refused: compile(RefusedSchema),
  request: compile(RequestSchema),
  response: compile(ResponseSchema),
  ping: compile(PingSchema),
  pong: compile(PongSchema),
  error: compile(ErrorSchema),
  event: compile(EventEnvelopeSchema),
} satisfies Record<MessageType, TypeCheck<TSchema>>;

const eventChecks: Record<string, TypeCheck<TSchema>> = { call: compile(CallEventSchema), feature: compile(FeatureEventSchema) };

function check(kind: string, checker: TypeCheck<TSchema>, value: unknown, prefix = ''): void {
  if (checker.Check(value)) return;
  const first = checker.Errors(value).First();
  throw new ProtocolError(`invalid ${kind} message: ${prefix}${first?.path || '/'} ${first?.message ?? 'is invalid'}`);
}

/** Reads one decoded frame as a message; throws ProtocolError naming the first problem. */
export function parseMessage(frame: JsonObject): LinkMessage {
  const type = frame.type;
  if (typeof type !== 'string') throw new ProtocolError('message has no string "type"');
  if (!Object.hasOwn(checks, type)) throw new ProtocolError(`unknown message type "${type.slice(0, 40)}"`);
  check(type, checks[type as MessageType], frame);
  if (type === 'response') {
    const response = frame as Response;
    if (!response.ok && response.error === undefined) throw new ProtocolError(`invalid response message: id ${response.id} has ok=false and no error`);
  }
  if (type === 'event') {
    const event = (frame as { event: { class: string } }).event;
    const checker = eventChecks[event.class];
    if (!checker) throw new ProtocolError(`invalid event message: unknown event class "${event.class.slice(0, 40)}"`);
    check('event', checker, event, '/event');
  }
  return frame as unknown as LinkMessage;
}
