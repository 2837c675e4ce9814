import { SaxesParser } from 'saxes';
import { oigError } from '../../errors';

/**
 * A namespace-aware XML reader hardened for hostile input: any DOCTYPE is refused (so no
 * external entities and no entity expansion: only the five predefined entities and character
 * references exist), depth, element count and attribute counts are capped, and parsing stops at
 * the first problem. Body size is capped before this, by the HTTP layer; within that cap long
 * texts and attribute values cost little (a few ms per MB), while every attribute costs an
 * object, a name check and a duplicate check (100,000 of them in 1 MB: ~250 ms of event loop),
 * so attributes are counted and the lengths are not.
 */
export interface XmlElement {
  readonly uri: string;
  readonly local: string;
  /** Attributes without a namespace, by local name (the OIG schemas use unqualified attributes). */
  readonly attributes: ReadonlyMap<string, string>;
  /** Namespace-qualified attributes, keyed `{uri}local`. */
  readonly qualifiedAttributes: ReadonlyMap<string, string>;
  readonly children: XmlElement[];
  text: string;
}

export interface XmlLimits {
  readonly maxDepth: number;
  readonly maxNodes: number;
  /**
   * Attributes on one element, namespace declarations included (they cost the same to parse).
   * Left out: the gateway's default, so no caller reads without an attribute cap.
   */
  readonly maxAttributesPerElement?: number;
  /** Attributes in the whole document (left out: the gateway's default). */
  readonly maxAttributes?: number;
}

/** OIG_SOAP_MAX_ATTRIBUTES_PER_ELEMENT and OIG_SOAP_MAX_ATTRIBUTES by default (config.ts). */
export const DEFAULT_ATTRIBUTE_LIMITS = { maxAttributesPerElement: 64, maxAttributes: 1000 } as const;

interface MutableElement extends XmlElement {
  readonly attributes: Map<string, string>;
  readonly qualifiedAttributes: Map<string, string>;
}

export function readXml(source: string, limits: XmlLimits): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | undefined;
  let nodes = 0;
  const maxPerElement = limits.maxAttributesPerElement ?? DEFAULT_ATTRIBUTE_LIMITS.maxAttributesPerElement;
  const maxAttributes = limits.maxAttributes ?? DEFAULT_ATTRIBUTE_LIMITS.maxAttributes;
  let attributes = 0;
  let attributesHere = 0;

  parser.on('doctype', () => {
    throw oigError('OIG_SOAP_DOCTYPE_FORBIDDEN', 'DOCTYPE declarations are not accepted');
  });
  // saxes reports each attribute as it is read, before the element's open tag is complete, so
  // counting here stops a 100,000-attribute element at the first attribute over the cap.
  parser.on('opentagstart', () => {
    attributesHere = 0;
  });
  parser.on('attribute', () => {
    attributesHere += 1;
    attributes += 1;
    if (attributesHere > maxPerElement) {
      throw oigError('OIG_SOAP_TOO_MANY_ATTRIBUTES', `An XML element has more than ${maxPerElement} attributes`);
    }
    if (attributes > maxAttributes) {
      throw oigError('OIG_SOAP_TOO_MANY_ATTRIBUTES', `XML has more than ${maxAttributes} attributes`);
    }
  });
  parser.on('opentag', (tag) => {
    nodes += 1;
    if (stack.length >= limits.maxDepth) {
      throw oigError('OIG_SOAP_TOO_DEEP', `XML nesting deeper than ${limits.maxDepth} levels`);
    }
    if (nodes > limits.maxNodes) {
      throw oigError('OIG_SOAP_TOO_MANY_NODES', `XML has more than ${limits.maxNodes} elements`);
    }
    const element: MutableElement = {
      uri: tag.uri ?? '',
      local: tag.local ?? tag.name,
      attributes: new Map(),
      qualifiedAttributes: new Map(),
      children: [],
      text: '',
    };
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === 'xmlns' || a.name === 'xmlns') continue;
      if (a.uri) element.qualifiedAttributes.set(`{${a.uri}}${a.local}`, a.value);
      else element.attributes.set(a.local, a.value);
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(element);
    else root = element;
    stack.push(element);
  });
  const appendText = (text: string): void => {
    const current = stack[stack.length - 1];
    if (current) current.text += text;
  };
  parser.on('text', appendText);
  parser.on('cdata', appendText);
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.on('error', (err) => {
    throw oigError('OIG_SOAP_MALFORMED_XML', `Malformed XML: ${err.message}`);
  });

  parser.write(source).close();
  if (!root) throw oigError('OIG_SOAP_MALFORMED_XML', 'Malformed XML: no root element');
  return root;
}
