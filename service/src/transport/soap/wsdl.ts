import type { ServiceDef } from './catalogue/types';
import type { ComplexType, ElementField, EnumType, TypeRef } from './schema';
import { escapeAttribute, escapeText } from './values';

/**
 * The served WSDL and XSD documents, generated from the catalogue. Types schemas are served
 * beside the WSDL as `<service URL>?xsd=<file>`, and the WSDL imports them by that relative URL.
 */
const XSD_NS = 'http://www.w3.org/2001/XMLSchema';

type NamedType = ComplexType | EnumType;

/** Every named type reachable from the service's operations, in first-use order. */
function namedTypes(service: ServiceDef): NamedType[] {
  const seen = new Map<string, NamedType>();
  const visit = (type: TypeRef): void => {
    if (type.kind === 'primitive') return;
    if (type.kind === 'complex' && type.anonymous) {
      type.fields.forEach((f) => visit(f.type));
      return;
    }
    const key = `{${type.namespace}}${type.name}`;
    const known = seen.get(key);
    if (known) {
      if (known !== type) throw new Error(`two different types named ${key}`);
      return;
    }
    seen.set(key, type);
    if (type.kind === 'complex') {
      type.fields.forEach((f) => visit(f.type));
      type.attributes.forEach((a) => visit(a.type));
    }
  };
  for (const op of service.operations) {
    visit(op.request);
    visit(op.response);
  }
  return [...seen.values()];
}

class Prefixes {
  private readonly byNamespace = new Map<string, string>();

  constructor(service: ServiceDef) {
    service.typesSchemas.forEach((s, i) => this.byNamespace.set(s.namespace, `ns${i + 1}`));
  }

  ref(type: TypeRef): string {
    if (type.kind === 'primitive') return `xs:${type.name}`;
    const prefix = this.byNamespace.get(type.namespace);
    if (!prefix) throw new Error(`type ${type.name}: namespace ${type.namespace} has no types schema`);
    return `${prefix}:${type.name}`;
  }

  declarations(): string {
    return [...this.byNamespace].map(([ns, p]) => ` xmlns:${p}="${ns}"`).join('');
  }
}

function xsdLocation(service: ServiceDef, file: string): string {
  return `${service.name}?xsd=${encodeURIComponent(file)}`;
}

function elementXml(field: ElementField, prefixes: Prefixes, indent: string): string {
  const min = field.minOccurs === 0 ? ' minOccurs="0"' : '';
  const max = field.maxOccurs === 'unbounded' ? ' maxOccurs="unbounded"' : '';
  return `${indent}<xs:element${min}${max} name="${field.name}" type="${prefixes.ref(field.type)}"/>\n`;
}

function complexTypeBody(type: ComplexType, prefixes: Prefixes, indent: string): string {
  let out = `${indent}<xs:sequence>\n`;
  for (const f of type.fields) out += elementXml(f, prefixes, `${indent}  `);
  out += `${indent}</xs:sequence>\n`;
  for (const a of type.attributes) {
    out += `${indent}<xs:attribute name="${a.name}" type="${prefixes.ref(a.type)}"${a.required ? ' use="required"' : ''}/>\n`;
  }
  return out;
}

/** The XSD document of one types namespace of the service. */
export function renderXsd(service: ServiceDef, file: string): string | undefined {
  const schema = service.typesSchemas.find((s) => s.file === file);
  if (!schema) return undefined;
  const prefixes = new Prefixes(service);
  const types = namedTypes(service);
  const own = types.filter((t) => t.namespace === schema.namespace);
  const imported = new Set<string>();
  for (const t of own) {
    if (t.kind !== 'complex') continue;
    for (const ref of [...t.fields.map((f) => f.type), ...t.attributes.map((a) => a.type)]) {
      if (ref.kind !== 'primitive' && ref.namespace !== schema.namespace) imported.add(ref.namespace);
    }
  }
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<xs:schema xmlns:xs="${XSD_NS}"${prefixes.declarations()} attributeFormDefault="unqualified" elementFormDefault="qualified" targetNamespace="${schema.namespace}">\n`;
  for (const ns of imported) {
    const other = service.typesSchemas.find((s) => s.namespace === ns) as { file: string };
    out += `  <xs:import namespace="${ns}" schemaLocation="${escapeAttribute(xsdLocation(service, other.file))}"/>\n`;
  }
  for (const t of own) {
    if (t.kind === 'enum') {
      out += `  <xs:simpleType name="${t.name}">\n    <xs:restriction base="xs:string">\n`;
      for (const v of t.values) out += `      <xs:enumeration value="${escapeAttribute(v)}"/>\n`;
      out += '    </xs:restriction>\n  </xs:simpleType>\n';
    } else {
      out += `  <xs:complexType name="${t.name}">\n${complexTypeBody(t, prefixes, '    ')}  </xs:complexType>\n`;
    }
  }
  return `${out}</xs:schema>\n`;
}

/** The WSDL's one port, as in the reference (`SessionServicePort`): Axis2 also answers at `<service>.<port>`. */
export function wsdlPortName(service: ServiceDef): string {
  return `${service.name}Port`;
}

/** The WSDL document, with the endpoint address the client reached it at. */
export function renderWsdl(service: ServiceDef, endpointUrl: string): string {
  const prefixes = new Prefixes(service);
  const ops = service.operations;
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n';
  out += `<wsdl:definitions targetNamespace="${service.namespace}" xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:tns="${service.namespace}" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:xs="${XSD_NS}"${prefixes.declarations()}>\n`;
  out += `  <wsdl:documentation>${escapeText(service.doc)} Served by OpenOIG.</wsdl:documentation>\n`;
  out += `  <wsdl:types>\n    <xs:schema elementFormDefault="qualified" targetNamespace="${service.namespace}">\n`;
  for (const s of service.typesSchemas) {
    out += `      <xs:import namespace="${s.namespace}" schemaLocation="${escapeAttribute(xsdLocation(service, s.file))}"/>\n`;
  }
  for (const op of ops) {
    for (const w of [op.request, op.response]) {
      out += `      <xs:element name="${w.name}">\n        <xs:complexType>\n${complexTypeBody(w, prefixes, '          ')}        </xs:complexType>\n      </xs:element>\n`;
    }
  }
  out += '    </xs:schema>\n  </wsdl:types>\n';
  for (const op of ops) {
    out += `  <wsdl:message name="${op.name}Message">\n    <wsdl:part name="part" element="tns:${op.request.name}"/>\n  </wsdl:message>\n`;
    out += `  <wsdl:message name="${op.name}ResponseMessage">\n    <wsdl:part name="part" element="tns:${op.response.name}"/>\n  </wsdl:message>\n`;
  }
  out += `  <wsdl:portType name="${service.name}PortType">\n`;
  for (const op of ops) {
    out += `    <wsdl:operation name="${op.name}">\n      <wsdl:documentation>${escapeText(op.doc)}</wsdl:documentation>\n`;
    out += `      <wsdl:input message="tns:${op.name}Message"/>\n      <wsdl:output message="tns:${op.name}ResponseMessage"/>\n    </wsdl:operation>\n`;
  }
  out += '  </wsdl:portType>\n';
  out += `  <wsdl:binding name="${service.name}Binding" type="tns:${service.name}PortType">\n`;
  out += '    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>\n';
  for (const op of ops) {
    out += `    <wsdl:operation name="${op.name}">\n      <soap:operation soapAction="${op.soapAction}"/>\n`;
    out += '      <wsdl:input>\n        <soap:body use="literal"/>\n      </wsdl:input>\n      <wsdl:output>\n        <soap:body use="literal"/>\n      </wsdl:output>\n    </wsdl:operation>\n';
  }
  out += '  </wsdl:binding>\n';
  out += `  <wsdl:service name="${service.name}">\n    <wsdl:port name="${wsdlPortName(service)}" binding="tns:${service.name}Binding">\n`;
  out += `      <soap:address location="${escapeAttribute(endpointUrl)}"/>\n    </wsdl:port>\n  </wsdl:service>\n</wsdl:definitions>\n`;
  return out;
}

/** Markdown reference of the service's operations, from the same catalogue. */
export function renderDocs(service: ServiceDef): string {
  const prefixes = new Prefixes(service);
  const describe = (type: ComplexType): string =>
    [
      ...type.attributes.map((a) => `@${a.name}: ${prefixes.ref(a.type)}${a.required ? '' : '?'}`),
      ...type.fields.map((f) => `${f.name}: ${prefixes.ref(f.type)}${f.maxOccurs === 'unbounded' ? '[]' : f.minOccurs === 0 ? '?' : ''}`),
    ].join(', ');
  let out = `# ${service.name}\n\n${service.doc}\n\nPaths: ${service.paths.map((p) => `\`${p}\``).join(', ')}; WSDL at \`<path>?wsdl\`.\n\n`;
  out += '| operation | SOAPAction | level | request | response |\n|---|---|---|---|---|\n';
  for (const op of service.operations) {
    const req = op.request.fields.map((f) => (f.type.kind === 'complex' ? `${f.name}: {${describe(f.type)}}` : `${f.name}: ${prefixes.ref(f.type)}`)).join(', ');
    const ret = op.response.fields[0];
    const res = ret && ret.type.kind === 'complex' ? `${ret.name}: {${describe(ret.type)}}` : '';
    out += `| ${op.name} | ${op.soapAction} | ${op.level} | ${req} | ${res} |\n`;
  }
  out += '\n';
  for (const op of service.operations) out += `- **${op.name}**: ${op.doc}\n`;
  return out;
}
