/**
 * The XML Schema model of the operation catalogue: just enough of XSD to describe the OIG
 * contract (document/literal, sequences, attributes, enumerations, repeated elements).
 * Served WSDL/XSD, request decoding and response encoding all read these values.
 */
export type PrimitiveName = 'string' | 'long' | 'int' | 'short' | 'boolean' | 'dateTime' | 'double';

export interface PrimitiveType {
  readonly kind: 'primitive';
  readonly name: PrimitiveName;
}

export interface EnumType {
  readonly kind: 'enum';
  readonly name: string;
  readonly namespace: string;
  readonly values: readonly string[];
}

export interface ElementField {
  readonly name: string;
  readonly type: TypeRef;
  readonly minOccurs: 0 | 1;
  /** 1, or 'unbounded' for a repeated element (decoded to an array). */
  readonly maxOccurs: 1 | 'unbounded';
}

export interface AttributeField {
  readonly name: string;
  readonly type: PrimitiveType | EnumType;
  readonly required: boolean;
}

export interface ComplexType {
  readonly kind: 'complex';
  /** Named types live in a types schema (session.xsd, cc.xsd, …); operation wrappers are anonymous. */
  readonly name: string;
  readonly namespace: string;
  readonly anonymous: boolean;
  readonly fields: readonly ElementField[];
  readonly attributes: readonly AttributeField[];
}

export type TypeRef = PrimitiveType | EnumType | ComplexType;

export const XS = {
  string: { kind: 'primitive', name: 'string' },
  long: { kind: 'primitive', name: 'long' },
  int: { kind: 'primitive', name: 'int' },
  short: { kind: 'primitive', name: 'short' },
  boolean: { kind: 'primitive', name: 'boolean' },
  dateTime: { kind: 'primitive', name: 'dateTime' },
  double: { kind: 'primitive', name: 'double' },
} as const satisfies Record<PrimitiveName, PrimitiveType>;

/** A required element (minOccurs 1). */
export function el(name: string, type: TypeRef): ElementField {
  return { name, type, minOccurs: 1, maxOccurs: 1 };
}

/** An optional element (minOccurs 0). */
export function opt(name: string, type: TypeRef): ElementField {
  return { name, type, minOccurs: 0, maxOccurs: 1 };
}

/** A repeated, optional element (minOccurs 0, maxOccurs unbounded). */
export function many(name: string, type: TypeRef): ElementField {
  return { name, type, minOccurs: 0, maxOccurs: 'unbounded' };
}

export function attr(name: string, type: PrimitiveType | EnumType, required = false): AttributeField {
  return { name, type, required };
}

/** A named complex type in a types namespace. */
export function complexType(
  namespace: string,
  name: string,
  fields: readonly ElementField[],
  attributes: readonly AttributeField[] = [],
): ComplexType {
  const names = [...fields.map((f) => f.name), ...attributes.map((a) => a.name)];
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  // Decoded values merge attributes and elements by name, so a clash would be ambiguous.
  if (dup) throw new Error(`complex type ${name}: '${dup}' is both an attribute and an element`);
  return { kind: 'complex', name, namespace, anonymous: false, fields, attributes };
}

/** The anonymous type of an operation's request or response wrapper element. */
export function wrapper(namespace: string, elementName: string, fields: readonly ElementField[]): ComplexType {
  return { kind: 'complex', name: elementName, namespace, anonymous: true, fields, attributes: [] };
}

export function enumType(namespace: string, name: string, values: readonly string[]): EnumType {
  return { kind: 'enum', name, namespace, values };
}
