import { createRequire } from 'node:module';
import { decodeXmlReferences } from './xml-references.js';

/**
 * fast-xml-parser, loaded on the first document: only custom object definitions (DDF files) are
 * parsed at run time, so hosts on the vendored OMA objects alone never carry it.
 */
type XmlLibrary = typeof import('fast-xml-parser');
const loadXmlLibrary = (): XmlLibrary => createRequire(import.meta.url)('fast-xml-parser') as XmlLibrary;

/** An XML element with its attributes, child elements and own character data. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: ReadonlyMap<string, string>;
  readonly elements: readonly XmlElement[];
  /** Character data directly inside the element, untrimmed: text with references decoded, CDATA verbatim. */
  readonly text: string;
}

export type XmlDocumentResult =
  | { readonly ok: true; readonly root: XmlElement }
  | { readonly ok: false; readonly reason: string };

const ATTRIBUTE_PREFIX = '@_';
const ATTRIBUTES_KEY = ':@';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';
/** Deepest element nesting accepted; DDF documents are 4 levels deep. */
const MAX_NESTING = 32;
const MAX_MESSAGE_LENGTH = 160;

const DOCTYPE_RE = /<!(?:DOCTYPE|ENTITY)/i;

class XmlShapeError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decoded(raw: unknown, where: string): string {
  const result = decodeXmlReferences(typeof raw === 'string' ? raw : String(raw));
  if (!result.ok) throw new XmlShapeError(`${where}: undefined or malformed reference "${result.reference}"`);
  return result.text;
}

function cdataText(value: unknown): string {
  if (!Array.isArray(value)) return '';
  let text = '';
  for (const part of value) {
    if (isRecord(part) && part[TEXT_KEY] !== undefined) text += String(part[TEXT_KEY]);
  }
  return text;
}

function toAttributes(value: unknown, elementName: string): ReadonlyMap<string, string> {
  const attributes = new Map<string, string>();
  if (!isRecord(value)) return attributes;
  for (const [key, raw] of Object.entries(value)) {
    const name = key.startsWith(ATTRIBUTE_PREFIX) ? key.slice(ATTRIBUTE_PREFIX.length) : key;
    attributes.set(name, decoded(raw, `attribute ${name} of <${elementName}>`));
  }
  return attributes;
}

/** Converts one node of fast-xml-parser's `preserveOrder` output ({ tag: [children], ':@': attrs }). */
function toElement(node: Record<string, unknown>): XmlElement {
  const name = Object.keys(node).find((key) => key !== ATTRIBUTES_KEY);
  if (name === undefined || name === TEXT_KEY || name === CDATA_KEY) {
    throw new XmlShapeError('expected an element');
  }
  const content = node[name];
  const elements: XmlElement[] = [];
  let text = '';
  if (Array.isArray(content)) {
    for (const child of content) {
      if (!isRecord(child)) continue;
      if (Object.hasOwn(child, TEXT_KEY)) text += decoded(child[TEXT_KEY], `text of <${name}>`);
      else if (Object.hasOwn(child, CDATA_KEY)) text += cdataText(child[CDATA_KEY]);
      else elements.push(toElement(child));
    }
  }
  return { name, attributes: toAttributes(node[ATTRIBUTES_KEY], name), elements, text };
}

/** Library messages can quote large parts of the input; keep them short. */
function shorten(message: string): string {
  return message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}...` : message;
}

function describeError(error: unknown): string {
  return shorten(error instanceof Error ? error.message : String(error));
}

/**
 * Parses a complete XML document into an element tree. Rejects DTDs (no entity can be declared, so
 * nothing is expanded), text outside the root element and anything that is not well-formed.
 * Comments and processing instructions are dropped.
 */
export function parseXmlDocument(xml: string): XmlDocumentResult {
  if (DOCTYPE_RE.test(xml)) return { ok: false, reason: 'DOCTYPE and ENTITY declarations are not allowed' };
  const { XMLParser, XMLValidator } = loadXmlLibrary();
  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: false });
  if (validation !== true) {
    const { msg, line, col } = validation.err;
    return { ok: false, reason: `XML is not well-formed at line ${line}, column ${col}: ${shorten(msg)}` };
  }
  let nodes: unknown;
  try {
    nodes = new XMLParser({
      preserveOrder: true,
      ignoreAttributes: false,
      attributeNamePrefix: ATTRIBUTE_PREFIX,
      parseTagValue: false,
      parseAttributeValue: false,
      trimValues: false,
      processEntities: false,
      htmlEntities: false,
      cdataPropName: CDATA_KEY,
      ignoreDeclaration: true,
      ignorePiTags: true,
      maxNestedTags: MAX_NESTING,
    }).parse(xml);
  } catch (error) {
    return { ok: false, reason: `XML could not be parsed: ${describeError(error)}` };
  }
  if (!Array.isArray(nodes)) return { ok: false, reason: 'XML could not be parsed' };
  try {
    const roots: XmlElement[] = [];
    for (const node of nodes) {
      if (!isRecord(node)) continue;
      const isWhitespace = Object.hasOwn(node, TEXT_KEY) && String(node[TEXT_KEY]).trim() === '';
      if (isWhitespace) continue;
      if (Object.hasOwn(node, TEXT_KEY) || Object.hasOwn(node, CDATA_KEY)) {
        return { ok: false, reason: 'character data outside the root element' };
      }
      roots.push(toElement(node));
    }
    const [root, ...others] = roots;
    if (root === undefined) return { ok: false, reason: 'the document has no root element' };
    if (others.length > 0) return { ok: false, reason: 'the document has more than one root element' };
    return { ok: true, root };
  } catch (error) {
    if (error instanceof XmlShapeError) return { ok: false, reason: error.message };
    throw error;
  }
}
