import { readFile } from 'node:fs/promises';
import { DOMParser, onErrorStopParsing, type Element } from '@xmldom/xmldom';

/**
 * A WSDL 1.1 / XSD normaliser for the schema-equivalence tests.
 *
 * A contract (a WSDL and every schema it imports) is reduced to a normalised structure: names
 * and namespaces as resolved QNames, occurrences, attribute use, content order, enumeration
 * facets in order. Per operation it gives the SOAPAction, style and use, and the message parts'
 * element QNames with those elements' full content, resolved through named types. Message
 * names, part names, the endpoint address, namespace prefixes and the order of top-level
 * declarations are left out: they are not on the wire and code generators do not depend on them.
 * Anything the normaliser does not model makes it throw, so nothing is skipped silently.
 */
const WSDL_NS = 'http://schemas.xmlsoap.org/wsdl/';
const SOAP_NS = 'http://schemas.xmlsoap.org/wsdl/soap/';
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

// ---------------------------------------------------------------------------------------------
// The normalised shapes. QNames use Clark notation, {namespace}local, so a diff reads plainly.
// ---------------------------------------------------------------------------------------------

type QName = string;
type Occurs = number | 'unbounded';

interface ElementShape {
  readonly name: string;
  readonly namespace: string;
  readonly minOccurs: number;
  readonly maxOccurs: Occurs;
  readonly type: TypeShape;
}

interface AttributeShape {
  readonly name: string;
  readonly namespace: string;
  readonly type: TypeShape;
  readonly use: string;
}

interface ComplexShape {
  /** The named type's QName (undefined for anonymous types): code generators name classes after it. */
  readonly typeName?: QName;
  /** Child elements in document order: order is part of the contract for xs:sequence. */
  readonly sequence: readonly ElementShape[];
  /** Sorted by name: attribute order carries no meaning in XML. */
  readonly attributes: readonly AttributeShape[];
}

interface RestrictionShape {
  /** The named type's QName (undefined for anonymous types): generated enums are named after it. */
  readonly typeName?: QName;
  readonly restriction: QName;
  readonly facets: readonly (readonly [string, string])[];
}

/** A type met again while it is being expanded: named instead of expanded forever. */
interface RecursionShape {
  readonly recursiveType: QName;
}

/** A built-in XSD type is kept as its QName; anything else is expanded to its structure. */
export type TypeShape = QName | ComplexShape | RestrictionShape | RecursionShape;

interface PartShape {
  readonly element: QName;
  readonly content: TypeShape;
}

interface MessageShape {
  readonly use: string | undefined;
  readonly parts: readonly PartShape[];
}

export interface OperationShape {
  readonly soapAction: string | undefined;
  readonly style: string;
  readonly input: MessageShape;
  readonly output: MessageShape;
}

interface ServiceShape {
  readonly targetNamespace: string;
  readonly service: QName;
  readonly portType: QName;
  readonly binding: QName;
  readonly style: string;
  readonly transport: string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Loading: the WSDL and every schema it imports, from disk or over HTTP.
// ---------------------------------------------------------------------------------------------

export type Loader = (url: URL) => Promise<string>;

interface SchemaContext {
  readonly targetNamespace: string;
  readonly elementFormQualified: boolean;
  readonly attributeFormQualified: boolean;
}

interface Declaration {
  readonly node: Element;
  readonly schema: SchemaContext;
}

interface SchemaIndex {
  readonly elements: Map<QName, Declaration>;
  readonly complexTypes: Map<QName, Declaration>;
  readonly simpleTypes: Map<QName, Declaration>;
}

export interface LoadedContract {
  readonly definitions: Element;
  readonly schemas: SchemaIndex;
}

export const readFromDisk: Loader = (url) => readFile(url, 'utf8');

export const fetchOverHttp: Loader = async (url) => {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url.href} answered ${res.status}`);
  return res.text();
};

/** A loader that applies `edit` to the one document named `fileName`, and insists it changed it. */
export function withEdit(load: Loader, fileName: string, edit: (text: string) => string): Loader {
  return async (url) => {
    const text = await load(url);
    if (!url.pathname.endsWith(`/${fileName}`)) return text;
    const edited = edit(text);
    if (edited === text) throw new Error(`the edit of ${fileName} changed nothing`);
    return edited;
  };
}

function parseXml(text: string, url: URL): Element {
  // Stop on errors, not only fatal ones: a half-parsed contract could compare equal by accident.
  const root = new DOMParser({ onError: onErrorStopParsing }).parseFromString(text, 'text/xml').documentElement;
  if (!root) throw new Error(`${url.href} has no document element`);
  return root;
}

function expectElement(node: Element, namespace: string, localName: string, where: string): void {
  if (node.namespaceURI !== namespace || node.localName !== localName) {
    throw new Error(`${where}: expected {${namespace}}${localName}, found {${node.namespaceURI}}${node.localName}`);
  }
}

export async function loadContract(wsdlUrl: URL, load: Loader): Promise<LoadedContract> {
  const definitions = parseXml(await load(wsdlUrl), wsdlUrl);
  expectElement(definitions, WSDL_NS, 'definitions', wsdlUrl.href);
  const schemas: SchemaIndex = { elements: new Map(), complexTypes: new Map(), simpleTypes: new Map() };
  const loaded = new Set<string>([wsdlUrl.href]);
  for (const types of children(definitions, WSDL_NS, 'types')) {
    for (const schema of children(types, XSD_NS, 'schema')) await indexSchema(schema, wsdlUrl, load, schemas, loaded);
  }
  return { definitions, schemas };
}

/** Registers a schema's global declarations, then those of every schema it imports or includes. */
async function indexSchema(schema: Element, baseUrl: URL, load: Loader, index: SchemaIndex, loaded: Set<string>): Promise<void> {
  const context = schemaContext(schema);
  for (const child of xsdChildren(schema)) {
    switch (child.localName) {
      case 'import':
      case 'include': {
        const location = attribute(child, 'schemaLocation');
        // An import without a location names a namespace some other schema here provides.
        if (location === undefined) break;
        const url = new URL(location, baseUrl);
        if (loaded.has(url.href)) break;
        loaded.add(url.href);
        const imported = parseXml(await load(url), url);
        expectElement(imported, XSD_NS, 'schema', url.href);
        await indexSchema(imported, url, load, index, loaded);
        break;
      }
      case 'element':
        declare(index.elements, child, context);
        break;
      case 'complexType':
        declare(index.complexTypes, child, context);
        break;
      case 'simpleType':
        declare(index.simpleTypes, child, context);
        break;
      default:
        throw unsupported(child);
    }
  }
}

function schemaContext(schema: Element): SchemaContext {
  return {
    targetNamespace: attribute(schema, 'targetNamespace') ?? '',
    elementFormQualified: attribute(schema, 'elementFormDefault') === 'qualified',
    attributeFormQualified: attribute(schema, 'attributeFormDefault') === 'qualified',
  };
}

function declare(table: Map<QName, Declaration>, node: Element, schema: SchemaContext): void {
  const qname = `{${schema.targetNamespace}}${requiredAttribute(node, 'name')}`;
  if (table.has(qname)) throw new Error(`${qname} is declared twice`);
  table.set(qname, { node, schema });
}

// ---------------------------------------------------------------------------------------------
// DOM helpers. Prefixes are resolved through the in-scope xmlns declarations, never assumed.
// ---------------------------------------------------------------------------------------------

function children(parent: Element, namespace: string, localName: string): Element[] {
  return Array.from(parent.children).filter((c) => c.namespaceURI === namespace && c.localName === localName);
}

function onlyChild(parent: Element, namespace: string, localName: string): Element {
  const [first, ...rest] = children(parent, namespace, localName);
  if (!first || rest.length > 0) throw new Error(`<${parent.tagName}> must have exactly one {${namespace}}${localName}`);
  return first;
}

/** The XSD children of a schema component, without annotations (documentation is not contract). */
function xsdChildren(parent: Element): Element[] {
  const all = Array.from(parent.children);
  const foreign = all.find((c) => c.namespaceURI !== XSD_NS);
  if (foreign) throw unsupported(foreign);
  return all.filter((c) => c.localName !== 'annotation');
}

function attribute(node: Element, name: string): string | undefined {
  return node.getAttribute(name) ?? undefined;
}

function requiredAttribute(node: Element, name: string): string {
  const value = attribute(node, name);
  if (value === undefined) throw new Error(`<${node.tagName}> has no ${name} attribute`);
  return value;
}

function resolveQName(context: Element, value: string): QName {
  const colon = value.indexOf(':');
  const prefix = colon < 0 ? null : value.slice(0, colon);
  const namespace = context.lookupNamespaceURI(prefix);
  if (prefix !== null && namespace === null) throw new Error(`prefix '${prefix}' of '${value}' is not declared`);
  return `{${namespace ?? ''}}${value.slice(colon + 1)}`;
}

/** Fails loudly on XSD the normaliser does not model, so nothing is left out of the comparison. */
function unsupported(node: Element): Error {
  return new Error(`unsupported {${node.namespaceURI}}${node.localName} in <${(node.parentNode as Element | null)?.tagName}>`);
}

// ---------------------------------------------------------------------------------------------
// Normalising XSD: elements, complex types, attributes, simple types.
// ---------------------------------------------------------------------------------------------

function lookup(table: Map<QName, Declaration>, qname: QName, kind: string): Declaration {
  const found = table.get(qname);
  if (!found) throw new Error(`${kind} ${qname} is not declared in any loaded schema`);
  return found;
}

function describeOccurs(node: Element): { minOccurs: number; maxOccurs: Occurs } {
  const max = attribute(node, 'maxOccurs') ?? '1';
  return { minOccurs: Number(attribute(node, 'minOccurs') ?? '1'), maxOccurs: max === 'unbounded' ? 'unbounded' : Number(max) };
}

/** Local declarations follow form / elementFormDefault; global ones are always in the target namespace. */
function isQualified(node: Element, formDefaultQualified: boolean, isGlobal: boolean): boolean {
  const form = attribute(node, 'form');
  return isGlobal || (form === undefined ? formDefaultQualified : form === 'qualified');
}

function describeElement(
  index: SchemaIndex,
  node: Element,
  schema: SchemaContext,
  stack: readonly QName[],
  isGlobal: boolean,
): ElementShape {
  const occurs = describeOccurs(node);
  const ref = attribute(node, 'ref');
  if (ref !== undefined) {
    const target = lookup(index.elements, resolveQName(node, ref), 'element');
    return { ...describeElement(index, target.node, target.schema, stack, true), ...occurs };
  }
  return {
    name: requiredAttribute(node, 'name'),
    namespace: isQualified(node, schema.elementFormQualified, isGlobal) ? schema.targetNamespace : '',
    ...occurs,
    type: describeElementType(index, node, schema, stack),
  };
}

function describeElementType(index: SchemaIndex, node: Element, schema: SchemaContext, stack: readonly QName[]): TypeShape {
  const type = attribute(node, 'type');
  if (type !== undefined) return describeTypeRef(index, resolveQName(node, type), stack);
  const [inline, ...more] = xsdChildren(node);
  if (more.length > 0) throw unsupported(more[0] as Element);
  if (inline === undefined) return `{${XSD_NS}}anyType`;
  if (inline.localName === 'complexType') return describeComplexType(index, inline, schema, stack);
  if (inline.localName === 'simpleType') return describeSimpleType(inline);
  throw unsupported(inline);
}

function describeTypeRef(index: SchemaIndex, qname: QName, stack: readonly QName[]): TypeShape {
  if (qname.startsWith(`{${XSD_NS}}`)) return qname;
  if (stack.includes(qname)) return { recursiveType: qname };
  const complex = index.complexTypes.get(qname);
  if (complex) return { typeName: qname, ...describeComplexType(index, complex.node, complex.schema, [...stack, qname]) };
  return { typeName: qname, ...describeSimpleType(lookup(index.simpleTypes, qname, 'type').node) };
}

function describeComplexType(index: SchemaIndex, node: Element, schema: SchemaContext, stack: readonly QName[]): ComplexShape {
  const sequence: ElementShape[] = [];
  const attributes: AttributeShape[] = [];
  for (const child of xsdChildren(node)) {
    if (child.localName === 'sequence') sequence.push(...describeSequence(index, child, schema, stack));
    else if (child.localName === 'attribute') attributes.push(describeAttribute(index, child, schema));
    else throw unsupported(child);
  }
  return { sequence, attributes: attributes.sort((a, b) => a.name.localeCompare(b.name)) };
}

function describeSequence(index: SchemaIndex, node: Element, schema: SchemaContext, stack: readonly QName[]): ElementShape[] {
  // A repeated or optional sequence changes every child's occurrence; it is not modelled here.
  if (attribute(node, 'minOccurs') !== undefined || attribute(node, 'maxOccurs') !== undefined) throw unsupported(node);
  return xsdChildren(node).map((child) => {
    if (child.localName !== 'element') throw unsupported(child);
    return describeElement(index, child, schema, stack, false);
  });
}

function describeAttribute(index: SchemaIndex, node: Element, schema: SchemaContext): AttributeShape {
  if (attribute(node, 'ref') !== undefined) throw unsupported(node);
  const type = attribute(node, 'type');
  const inline = xsdChildren(node)[0];
  return {
    name: requiredAttribute(node, 'name'),
    namespace: isQualified(node, schema.attributeFormQualified, false) ? schema.targetNamespace : '',
    type:
      type !== undefined
        ? describeTypeRef(index, resolveQName(node, type), [])
        : inline !== undefined
          ? describeSimpleType(inline)
          : `{${XSD_NS}}anySimpleType`,
    use: attribute(node, 'use') ?? 'optional',
  };
}

function describeSimpleType(node: Element): RestrictionShape {
  expectElement(node, XSD_NS, 'simpleType', 'simple type');
  const [restriction, ...more] = xsdChildren(node);
  if (restriction === undefined || restriction.localName !== 'restriction' || more.length > 0) throw unsupported(restriction ?? node);
  return {
    restriction: resolveQName(restriction, requiredAttribute(restriction, 'base')),
    facets: xsdChildren(restriction).map((facet) => [facet.localName ?? '', requiredAttribute(facet, 'value')] as const),
  };
}

// ---------------------------------------------------------------------------------------------
// Normalising WSDL: service, binding, portType, operations and their messages.
// ---------------------------------------------------------------------------------------------

function targetNamespace(contract: LoadedContract): string {
  return requiredAttribute(contract.definitions, 'targetNamespace');
}

/** A top-level WSDL definition by QName; this contract has no wsdl:import, so all are local. */
function findDefinition(contract: LoadedContract, kind: 'message' | 'portType' | 'binding', qname: QName): Element {
  const tns = targetNamespace(contract);
  const found = children(contract.definitions, WSDL_NS, kind).find((d) => `{${tns}}${attribute(d, 'name')}` === qname);
  if (!found) throw new Error(`no wsdl:${kind} ${qname}`);
  return found;
}

/** The one wsdl:service and its SOAP 1.1 port, binding and portType. */
function soapEndpoint(contract: LoadedContract): { service: Element; port: Element; binding: Element; portType: Element } {
  const service = onlyChild(contract.definitions, WSDL_NS, 'service');
  const [port, ...others] = children(service, WSDL_NS, 'port').filter((p) => children(p, SOAP_NS, 'address').length > 0);
  if (!port || others.length > 0) throw new Error('the service must have exactly one SOAP 1.1 port');
  const binding = findDefinition(contract, 'binding', resolveQName(port, requiredAttribute(port, 'binding')));
  const portType = findDefinition(contract, 'portType', resolveQName(binding, requiredAttribute(binding, 'type')));
  return { service, port, binding, portType };
}

function bindingStyle(binding: Element): string {
  return attribute(onlyChild(binding, SOAP_NS, 'binding'), 'style') ?? 'document';
}

export function describeService(contract: LoadedContract): ServiceShape {
  const { service, port, binding } = soapEndpoint(contract);
  const tns = targetNamespace(contract);
  return {
    targetNamespace: tns,
    service: `{${tns}}${requiredAttribute(service, 'name')}`,
    portType: resolveQName(binding, requiredAttribute(binding, 'type')),
    binding: resolveQName(port, requiredAttribute(port, 'binding')),
    style: bindingStyle(binding),
    transport: attribute(onlyChild(binding, SOAP_NS, 'binding'), 'transport'),
  };
}

export function operationNames(contract: LoadedContract): string[] {
  return children(soapEndpoint(contract).portType, WSDL_NS, 'operation').map((op) => requiredAttribute(op, 'name'));
}

export function soapAddress(contract: LoadedContract): string | undefined {
  return attribute(onlyChild(soapEndpoint(contract).port, SOAP_NS, 'address'), 'location');
}

function namedOperation(parent: Element, name: string): Element {
  const found = children(parent, WSDL_NS, 'operation').find((op) => attribute(op, 'name') === name);
  if (!found) throw new Error(`<${parent.tagName} name="${attribute(parent, 'name')}"> has no operation ${name}`);
  return found;
}

export function describeOperation(contract: LoadedContract, name: string): OperationShape {
  const { binding, portType } = soapEndpoint(contract);
  const abstract = namedOperation(portType, name);
  const concrete = namedOperation(binding, name);
  const soapOperation = onlyChild(concrete, SOAP_NS, 'operation');
  return {
    soapAction: attribute(soapOperation, 'soapAction'),
    style: attribute(soapOperation, 'style') ?? bindingStyle(binding),
    input: describeMessage(contract, abstract, concrete, 'input'),
    output: describeMessage(contract, abstract, concrete, 'output'),
  };
}

/** A message as the wire sees it: body use and part elements; message and part names are not on the wire. */
function describeMessage(contract: LoadedContract, abstract: Element, concrete: Element, direction: 'input' | 'output'): MessageShape {
  const reference = onlyChild(abstract, WSDL_NS, direction);
  const message = findDefinition(contract, 'message', resolveQName(reference, requiredAttribute(reference, 'message')));
  const body = onlyChild(onlyChild(concrete, WSDL_NS, direction), SOAP_NS, 'body');
  return { use: attribute(body, 'use'), parts: children(message, WSDL_NS, 'part').map((part) => describePart(contract, part)) };
}

function describePart(contract: LoadedContract, part: Element): PartShape {
  // Document/literal parts name an element; a type part would be RPC style, which OIG does not use.
  const element = resolveQName(part, requiredAttribute(part, 'element'));
  const declaration = lookup(contract.schemas.elements, element, 'element');
  return { element, content: describeElementType(contract.schemas, declaration.node, declaration.schema, []) };
}

/** Every operation of the contract's portType, by name. */
export function describeAllOperations(contract: LoadedContract): Record<string, OperationShape> {
  return Object.fromEntries(operationNames(contract).map((op) => [op, describeOperation(contract, op)]));
}

/**
 * The same shape without the names of types: what is left is the XML on the wire.
 * For contracts that declare the same content as named types in one place and anonymous
 * types in another.
 */
export function withoutTypeNames<T>(shape: T): T {
  return JSON.parse(JSON.stringify(shape, (key, value: unknown) => (key === 'typeName' ? undefined : value))) as T;
}
