/**
 * What the licensing domain needs from the licensing server (the AMC): activation of an ARID
 * for this appliance, the current entitlement, deactivation. Every answer is signed; the
 * adapter verifies it (and can verify a stored copy again), the domain sees plain data.
 */
export type Platform = 'physical' | 'virtual';

/** How the AMC knows this appliance: a physical server by its hardware id, a virtual one by the GUID the AMC issued. */
export type Binding = { readonly hardwareId: string } | { readonly guid: string };

export interface LicencePart {
  readonly partNumber: string;
  readonly quantity: number;
  readonly description?: string;
}

export interface SignedEntitlement {
  readonly arid: string;
  readonly account: string;
  readonly platform: Platform;
  readonly binding: Binding;
  readonly parts: readonly LicencePart[];
  readonly ulmGroup: string | null;
  readonly issuedAt: Date;
  /** A trial's end; null for permanent licences. */
  readonly expiresAt: Date | null;
  readonly serial: number;
  /** The signed envelope as received, kept so a stored copy can be verified again. */
  readonly envelope: { readonly payload: string; readonly signature: string; readonly certificate: string };
}

export interface LicenceServer {
  activate(request: { arid: string; platform: Platform; hardwareId?: string; guid?: string }): Promise<SignedEntitlement>;
  sync(arid: string, binding: Binding): Promise<SignedEntitlement>;
  deactivate(arid: string, binding: Binding): Promise<void>;
  /** Verifies a stored envelope again (the database is not trusted blindly). */
  verify(envelope: SignedEntitlement['envelope']): SignedEntitlement;
  close(): Promise<void>;
}
