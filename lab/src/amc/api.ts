import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { ActivateRequest, BoundRequest } from './accounts';
import { AmcError } from './errors';
import { Arid, AridRecordSchema } from './fixture';

/**
 * The request bodies of the AMC API and of the control API (lab/README.md "The lab AMC"), and
 * their checks: a refused body is a 400 BAD_REQUEST whose message starts with the field.
 */
const HardwareId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$' });
const Guid = Type.String({ pattern: '^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$' });

const ActivateBody = Type.Object(
  {
    arid: Arid,
    platform: Type.Union([Type.Literal('physical'), Type.Literal('virtual')]),
    hardwareId: Type.Optional(HardwareId),
    guid: Type.Optional(Guid),
  },
  { additionalProperties: false },
);
const BoundBody = Type.Object({ arid: Arid, hardwareId: Type.Optional(HardwareId), guid: Type.Optional(Guid) }, { additionalProperties: false });

export const ControlBodies = {
  addArid: Type.Object({ account: Type.String({ minLength: 1 }), record: AridRecordSchema }, { additionalProperties: false }),
  addPart: Type.Object(
    {
      partNumber: Type.String({ pattern: '^[0-9]{8}$' }),
      quantity: Type.Optional(Type.Integer({ minimum: 1 })),
      description: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  ulmGroup: Type.Object({ ulmGroup: Type.Union([Type.String({ minLength: 1 }), Type.Null()]) }, { additionalProperties: false }),
  failing: Type.Object({ failing: Type.Boolean() }, { additionalProperties: false }),
};

export function checkBody<T extends TSchema>(schema: T, body: unknown): Static<T> {
  if (Value.Check(schema, body)) return body;
  const error = Value.Errors(schema, body).First();
  const field = error?.path.slice(1).replaceAll('/', '.') || '(body)';
  throw new AmcError('BAD_REQUEST', `${field}: ${error?.message ?? 'invalid'}`);
}

export function checkActivate(body: unknown): ActivateRequest {
  const request = checkBody(ActivateBody, body);
  if (request.platform === 'physical') {
    if (request.hardwareId === undefined) throw new AmcError('BAD_REQUEST', 'hardwareId: required when platform is physical');
    if (request.guid !== undefined) throw new AmcError('BAD_REQUEST', 'guid: only a virtual appliance has a GUID');
  } else if (request.hardwareId !== undefined) {
    throw new AmcError('BAD_REQUEST', 'hardwareId: a virtual appliance is known by its GUID (leave guid out on first activation)');
  }
  return request;
}

/** sync and deactivate: the appliance is named by exactly one of hardwareId and guid. */
export function checkBound(body: unknown): BoundRequest {
  const request = checkBody(BoundBody, body);
  if ((request.hardwareId === undefined) === (request.guid === undefined)) {
    throw new AmcError('BAD_REQUEST', 'hardwareId/guid: give exactly one (hardwareId for a physical server, guid for a virtual appliance)');
  }
  return request;
}
