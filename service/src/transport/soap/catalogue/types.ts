import type { ComplexType } from '../schema';

/** Licence level an operation needs: Standard sessions may call only Standard operations. */
export type OperationLevel = 'standard' | 'advanced';

export interface OperationDef {
  readonly name: string;
  /** SOAP 1.1 action, `urn:<operation>` for every OIG operation. */
  readonly soapAction: string;
  readonly level: OperationLevel;
  /** Wrapper element `<name>` in the service namespace. */
  readonly request: ComplexType;
  /** Wrapper element `<name>Response` in the service namespace. */
  readonly response: ComplexType;
  readonly doc: string;
}

export interface TypesSchema {
  readonly namespace: string;
  /** File name the WSDL imports it by (served as `<service URL>?xsd=<file>`). */
  readonly file: string;
}

export interface ServiceDef {
  readonly name: string;
  /** Target namespace of the WSDL and of the operation wrapper elements. */
  readonly namespace: string;
  readonly typesSchemas: readonly TypesSchema[];
  readonly operations: readonly OperationDef[];
  /** URL paths the service answers at. */
  readonly paths: readonly string[];
  readonly doc: string;
}

export function operation(
  namespace: string,
  name: string,
  level: OperationLevel,
  request: ComplexType,
  response: ComplexType,
  doc: string,
): OperationDef {
  if (!request.anonymous || request.name !== name) throw new Error(`operation ${name}: request wrapper must be <${name}>`);
  if (!response.anonymous || response.name !== `${name}Response`) throw new Error(`operation ${name}: response wrapper must be <${name}Response>`);
  if (request.namespace !== namespace || response.namespace !== namespace) throw new Error(`operation ${name}: wrappers must be in ${namespace}`);
  return { name, soapAction: `urn:${name}`, level, request, response, doc };
}
