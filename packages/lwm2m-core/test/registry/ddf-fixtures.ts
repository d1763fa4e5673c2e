import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const omaDirectory = fileURLToPath(new URL('../../registry/oma/', import.meta.url));

/** A vendored OMA DDF file, e.g. `readOmaFile('3303.xml')`. */
export function readOmaFile(name: string): string {
  return readFileSync(new URL(name, new URL('../../registry/oma/', import.meta.url)), 'utf8');
}

export interface ItemSpec {
  readonly id?: number | string;
  readonly name?: string;
  readonly operations?: string;
  readonly multiple?: string;
  readonly mandatory?: string;
  readonly type?: string;
  readonly range?: string;
  readonly units?: string;
  readonly description?: string;
}

/** One `<Item>`; every element can be replaced, and `omit` drops elements entirely. */
export function item(spec: ItemSpec = {}, omit: readonly string[] = []): string {
  const elements: [string, string][] = [
    ['Name', spec.name ?? 'Value'],
    ['Operations', spec.operations ?? 'R'],
    ['MultipleInstances', spec.multiple ?? 'Single'],
    ['Mandatory', spec.mandatory ?? 'Mandatory'],
    ['Type', spec.type ?? 'Float'],
    ['RangeEnumeration', spec.range ?? ''],
    ['Units', spec.units ?? ''],
    ['Description', spec.description ?? 'A value.'],
  ];
  const body = elements
    .filter(([name]) => !omit.includes(name))
    .map(([name, text]) => `<${name}>${text}</${name}>`)
    .join('');
  return `<Item ID="${spec.id ?? 0}">${body}</Item>`;
}

export interface ObjectSpec {
  readonly id?: number | string;
  readonly name?: string;
  readonly version?: string;
  readonly lwm2mVersion?: string;
  readonly multiple?: string;
  readonly mandatory?: string;
  readonly items?: readonly string[];
}

/** One `<Object>` element. */
export function object(spec: ObjectSpec = {}, omit: readonly string[] = []): string {
  const elements: [string, string][] = [
    ['Name', spec.name ?? 'Widget'],
    ['Description1', 'A test object.'],
    ['ObjectID', String(spec.id ?? 33000)],
    ['ObjectURN', `urn:oma:lwm2m:x:${spec.id ?? 33000}`],
    ['LWM2MVersion', spec.lwm2mVersion ?? '1.1'],
    ['ObjectVersion', spec.version ?? '1.0'],
    ['MultipleInstances', spec.multiple ?? 'Multiple'],
    ['Mandatory', spec.mandatory ?? 'Optional'],
    ['Resources', (spec.items ?? [item()]).join('')],
  ];
  const body = elements
    .filter(([name]) => !omit.includes(name))
    .map(([name, text]) => `<${name}>${text}</${name}>`)
    .join('');
  return `<Object ObjectType="MODefinition">${body}</Object>`;
}

/** A complete DDF document around `objects`. */
export function ddf(...objects: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<LWM2M xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${objects.join('')}</LWM2M>\n`;
}
