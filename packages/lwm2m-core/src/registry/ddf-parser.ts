import { MAX_ID } from '../model/path.js';
import type { ResourceType } from '../model/resource-type.js';
import { checkObjectDefinition } from './definition-check.js';
import { type DefinitionLocation, definitionError } from './definition-error.js';
import type { ObjectDefinition, ResourceOperations } from './object-definition.js';
import { DEFAULT_OBJECT_VERSION, isObjectVersion } from './object-version.js';
import { parseRangeEnumeration } from './range-enumeration.js';
import { parseXmlDocument, type XmlElement } from './xml-document.js';

/** Largest DDF document accepted (the biggest OMA object file is about 25 KiB). */
export const MAX_DDF_BYTES = 2 * 1024 * 1024;

/** DDF `<Type>` names (compared case-insensitively); an empty Type marks an executable resource. */
const DDF_TYPES: ReadonlyMap<string, ResourceType> = new Map([
  ['string', 'string'],
  ['integer', 'integer'],
  ['unsigned integer', 'unsigned'],
  ['float', 'float'],
  ['boolean', 'boolean'],
  ['opaque', 'opaque'],
  ['time', 'time'],
  ['objlnk', 'objlnk'],
  ['corelnk', 'corelnk'],
  ['', 'none'],
]);
const DDF_TYPE_NAMES =
  'String, Integer, Unsigned Integer, Float, Boolean, Opaque, Time, Objlnk, Corelnk, or empty for executable resources';
const DDF_OPERATIONS: readonly ResourceOperations[] = ['', 'R', 'W', 'RW', 'E'];
const DIGITS_RE = /^\d{1,10}$/;

function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function quoted(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

/** The trimmed text of the only `<name>` child, or undefined when there is none. */
function childText(element: XmlElement, name: string, location: DefinitionLocation): string | undefined {
  let found: XmlElement | undefined;
  for (const child of element.elements) {
    if (child.name !== name) continue;
    if (found !== undefined) {
      throw definitionError(location, `<${name}> appears more than once in <${element.name}>`);
    }
    found = child;
  }
  if (found === undefined) return undefined;
  if (found.elements.length > 0) {
    throw definitionError(location, `<${name}> must contain text only, found <${found.elements[0]?.name}>`);
  }
  return found.text.trim();
}

function requiredText(element: XmlElement, name: string, location: DefinitionLocation): string {
  const text = childText(element, name, location);
  if (text === undefined) throw definitionError(location, `<${element.name}> has no <${name}> element`);
  return text;
}

function parseId(text: string, what: string, location: DefinitionLocation): number {
  const id = DIGITS_RE.test(text) ? Number(text) : Number.NaN;
  if (!(id <= MAX_ID)) {
    throw definitionError(location, `${what} ${quoted(text)} is not an integer 0..${MAX_ID}`);
  }
  return id;
}

function parseChoice<T>(
  element: XmlElement,
  name: string,
  choices: Readonly<Record<string, T>>,
  location: DefinitionLocation,
): T {
  const text = requiredText(element, name, location);
  const choice = Object.hasOwn(choices, text) ? choices[text] : undefined;
  if (choice === undefined) {
    throw definitionError(
      location,
      `<${name}> is ${quoted(text)}, expected ${Object.keys(choices).join(' or ')}`,
    );
  }
  return choice;
}

function parseVersion(element: XmlElement, name: string, location: DefinitionLocation): string {
  const text = childText(element, name, location) ?? '';
  if (text === '') return DEFAULT_OBJECT_VERSION;
  if (!isObjectVersion(text)) {
    throw definitionError(location, `<${name}> ${quoted(text)} is not a version like "1.0"`);
  }
  return text;
}

function parseResource(item: XmlElement, objectLocation: DefinitionLocation): Record<string, unknown> {
  const idText = item.attributes.get('ID');
  if (idText === undefined) throw definitionError(objectLocation, '<Item> has no ID attribute');
  const id = parseId(idText.trim(), 'resource ID', objectLocation);
  const location = { ...objectLocation, resourceId: id };
  const operations = requiredText(item, 'Operations', location);
  if (!(DDF_OPERATIONS as readonly string[]).includes(operations)) {
    throw definitionError(location, `unknown Operations ${quoted(operations)} (valid: R, W, RW, E or empty)`);
  }
  const typeText = requiredText(item, 'Type', location);
  const type = DDF_TYPES.get(typeText.replace(/\s+/g, ' ').toLowerCase());
  if (type === undefined) {
    throw definitionError(location, `unknown Type ${quoted(typeText)} (valid: ${DDF_TYPE_NAMES})`);
  }
  const rangeText = childText(item, 'RangeEnumeration', location) ?? '';
  return {
    id,
    name: requiredText(item, 'Name', location),
    operations,
    multiple: parseChoice(item, 'MultipleInstances', { Single: false, Multiple: true }, location),
    mandatory: parseChoice(item, 'Mandatory', { Optional: false, Mandatory: true }, location),
    type,
    rangeText,
    range: parseRangeEnumeration(rangeText, type),
    units: childText(item, 'Units', location) ?? '',
    description: childText(item, 'Description', location) ?? '',
  };
}

function parseResources(object: XmlElement, location: DefinitionLocation): Record<string, unknown>[] {
  const containers = object.elements.filter((child) => child.name === 'Resources');
  const [container, ...extra] = containers;
  if (container === undefined) throw definitionError(location, '<Object> has no <Resources> element');
  if (extra.length > 0) throw definitionError(location, '<Resources> appears more than once in <Object>');
  return container.elements.map((item) => {
    if (item.name !== 'Item') {
      throw definitionError(location, `<Resources> may only contain <Item> elements, found <${item.name}>`);
    }
    return parseResource(item, location);
  });
}

function parseObject(object: XmlElement, source: string | undefined): ObjectDefinition {
  const fileLocation = { source };
  const objectId = parseId(requiredText(object, 'ObjectID', fileLocation), 'ObjectID', fileLocation);
  const location = { source, objectId };
  const description =
    childText(object, 'Description1', location) ?? childText(object, 'Description', location) ?? '';
  const notes = childText(object, 'Description2', location) ?? '';
  const candidate = {
    id: objectId,
    name: requiredText(object, 'Name', location),
    description: notes === '' ? description : `${description}\n\n${notes}`,
    version: parseVersion(object, 'ObjectVersion', location),
    lwm2mVersion: parseVersion(object, 'LWM2MVersion', location),
    urn: childText(object, 'ObjectURN', location) ?? '',
    multiple: parseChoice(object, 'MultipleInstances', { Single: false, Multiple: true }, location),
    mandatory: parseChoice(object, 'Mandatory', { Optional: false, Mandatory: true }, location),
    resources: parseResources(object, location),
  };
  return checkObjectDefinition(candidate, source);
}

/**
 * Parses an OMA LwM2M Object Definition File (DDF XML: `<LWM2M><Object>...</Object></LWM2M>`).
 * A document may hold several objects. Resources come out in id order; `ObjectVersion` and
 * `LWM2MVersion` default to "1.0"; `Description2` (notes) is appended to the object description.
 * DTDs are refused and no entity is expanded. Every failure is a CodedError DEFINITION_INVALID
 * whose message starts with `source` (when given), then the object and resource at fault.
 */
export function parseDdf(xml: string, source?: string): ObjectDefinition[] {
  const fileLocation = { source };
  if (typeof xml !== 'string') throw definitionError(fileLocation, 'a DDF document must be a string');
  if (xml.length > MAX_DDF_BYTES || (xml.length * 3 > MAX_DDF_BYTES && utf8ByteLength(xml) > MAX_DDF_BYTES)) {
    throw definitionError(fileLocation, `the DDF document is larger than ${MAX_DDF_BYTES} bytes`);
  }
  const document = parseXmlDocument(xml.startsWith('\uFEFF') ? xml.slice(1) : xml);
  if (!document.ok) throw definitionError(fileLocation, `not a valid DDF document: ${document.reason}`);
  if (document.root.name !== 'LWM2M') {
    throw definitionError(fileLocation, `the root element is <${document.root.name}>, expected <LWM2M>`);
  }
  const objects = document.root.elements.filter((element) => element.name === 'Object');
  if (objects.length === 0) throw definitionError(fileLocation, '<LWM2M> contains no <Object> element');
  const definitions = objects.map((object) => parseObject(object, source));
  const seen = new Set<string>();
  for (const definition of definitions) {
    const key = `${definition.id}@${definition.version}`;
    if (seen.has(key)) {
      throw definitionError(
        { source, objectId: definition.id },
        `version ${definition.version} is defined more than once in this document`,
      );
    }
    seen.add(key);
  }
  return definitions;
}
