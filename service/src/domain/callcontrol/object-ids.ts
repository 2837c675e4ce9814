import { oigError } from '../../errors';

/**
 * Object ids (seed: "Mitel OIG Object IDs"): the gateway names each object of interest — a
 * phone's prime line, a line appearance button, a hot desk user, a PRG — by an xs:long that
 * applications keep and pass back. DNs are unique across the cluster (seed), so one DN (and
 * button) is one object whichever controller it was asked through; ids are shared by all
 * sessions and stable for the gateway's lifetime. Ids start far above icpIds, so passing one
 * where the other is expected fails plainly instead of hitting something else.
 */
export interface DeviceObject {
  readonly id: string;
  /** The DN the controller knows the object by (a line appearance's own DN). */
  readonly dn: string;
  /** The phone's prime DN; for a line appearance, the phone it is a button of. */
  readonly primeDn: string;
  /** Line appearance button number; null for a prime line or other device. */
  readonly button: number | null;
  /** Device type the controller reported (VOICE_SET_PRIME, PERSONAL_RING_GROUP, …). */
  type: string;
  /** Controller addresses: primary, then secondary for a resilient device. */
  primary: string;
  secondary: string | null;
}

const FIRST_OBJECT_ID = 1_000_001;

export class ObjectRegistry {
  private readonly byId = new Map<string, DeviceObject>();
  private readonly byKey = new Map<string, DeviceObject>();
  private next = FIRST_OBJECT_ID;

  /** The object for `dn` (and `button` of `primeDn`), created on first use, refreshed after. */
  device(fields: Omit<DeviceObject, 'id'>): DeviceObject {
    const key = fields.button === null ? fields.dn : `${fields.primeDn}#${fields.button}`;
    const known = this.byKey.get(key);
    if (known) {
      known.type = fields.type;
      known.primary = fields.primary;
      known.secondary = fields.secondary;
      return known;
    }
    const object: DeviceObject = { ...fields, id: String(this.next++) };
    this.byKey.set(key, object);
    this.byId.set(object.id, object);
    return object;
  }

  get(id: string): DeviceObject {
    const object = this.byId.get(id);
    if (!object) {
      throw oigError('OIG_CC_UNKNOWN_OBJECT', `Object id ${id} is not known to this gateway; get one with getPhoneNumberId or getLineAppearanceId`);
    }
    return object;
  }

  /** The prime-line object of `dn`, if one was handed out. */
  findByDn(dn: string): DeviceObject | undefined {
    return this.byKey.get(dn);
  }
}
