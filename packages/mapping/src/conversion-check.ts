import type { ResourceDefinition } from '@lwm2m-adapters/lwm2m-core';
import type { RawValueKind } from '@lwm2m-adapters/sdk';
import type { DeviceScope } from './compile-scope.js';
import type { EnumEntry, PointConversion } from './compiled-mapping.js';
import { entryOf, type LocatedMap, type Origin } from './located-node.js';
import { quote } from './safe-text.js';
import { isNumericKind, kindFitsType, kindsForType, kindText } from './value-kind.js';

/** The conversion fields of a bound point as parsed from the mapping. */
export interface ConversionFields {
  readonly scale?: number | undefined;
  readonly offset?: number | undefined;
  readonly bit?: number | undefined;
  readonly enum?: Readonly<Record<string, string | number | boolean>> | undefined;
  readonly units?: string | undefined;
}

export interface CheckedConversion {
  readonly conversion: PointConversion;
  /** What the point yields after conversion. */
  readonly kind: RawValueKind;
}

interface CheckContext {
  readonly subject: string;
  readonly node: LocatedMap;
  readonly resource: ResourceDefinition;
  readonly scope: DeviceScope;
}

function fieldOrigin(context: CheckContext, field: string): Origin {
  const entry = entryOf(context.node, field);
  if (entry === undefined) return context.node.origin;
  return entry.value.kind === 'scalar' ? entry.value.origin : entry.keyOrigin;
}

function report(context: CheckContext, field: string, message: string, expected: string): undefined {
  context.scope.issues.add({
    origin: fieldOrigin(context, field),
    message: `${context.subject}: ${message}`,
    expected,
    device: context.scope.device,
  });
  return undefined;
}

/**
 * Checks scale/offset, bit and enum against the adapter's raw value kind and the resource type,
 * and works out what the point yields after conversion.
 */
export function checkConversion(
  fields: ConversionFields,
  rawKind: RawValueKind,
  /** Width in bits of an integer source, when the adapter tells it. */
  rawBits: number | undefined,
  context: CheckContext,
): CheckedConversion | undefined {
  const used = [
    fields.scale !== undefined ? 'scale' : undefined,
    fields.offset !== undefined ? 'offset' : undefined,
    fields.bit !== undefined ? 'bit' : undefined,
    fields.enum !== undefined ? 'enum' : undefined,
  ].filter((field): field is string => field !== undefined);
  const families = new Set(used.map((field) => (field === 'offset' ? 'scale' : field)));
  if (families.size > 1) {
    const second = used.find((field) => field === 'bit' || field === 'enum') ?? 'enum';
    return report(
      context,
      second,
      `${used.join(', ')} cannot be combined`,
      'one of: scale and/or offset, bit, or enum',
    );
  }
  const units = fields.units === undefined ? {} : { units: fields.units };
  let checked: CheckedConversion | undefined;
  if (fields.scale !== undefined || fields.offset !== undefined) {
    checked = checkScale(fields, rawKind, context, units);
  } else if (fields.bit !== undefined) {
    checked = checkBit(fields.bit, rawKind, rawBits, context, units);
  } else if (fields.enum !== undefined) {
    checked = checkEnum(fields.enum, rawKind, context, units);
  } else {
    checked = { conversion: { ...units }, kind: rawKind };
  }
  if (checked === undefined) return undefined;
  return checkFit(checked, rawKind, fields, context);
}

function checkBit(
  bit: number,
  rawKind: RawValueKind,
  rawBits: number | undefined,
  context: CheckContext,
  units: { units?: string },
): CheckedConversion | undefined {
  if (rawKind !== 'integer') {
    return report(
      context,
      'bit',
      `bit needs an integer source, but the source yields ${kindText(rawKind)} values`,
      'a source of an integer type (e.g. uint16)',
    );
  }
  if (rawBits !== undefined && bit >= rawBits) {
    return report(
      context,
      'bit',
      `bit ${bit} is past the end of the ${rawBits}-bit source, so it would always read false`,
      `a bit number 0..${rawBits - 1}`,
    );
  }
  return { conversion: { bit, ...units }, kind: 'boolean' };
}

function checkScale(
  fields: ConversionFields,
  rawKind: RawValueKind,
  context: CheckContext,
  units: { units?: string },
): CheckedConversion | undefined {
  const field = fields.scale !== undefined ? 'scale' : 'offset';
  if (!isNumericKind(rawKind)) {
    return report(
      context,
      field,
      `${field} needs a numeric source, but the source yields ${kindText(rawKind)} values`,
      'a source of a number or integer type',
    );
  }
  const integral =
    rawKind === 'integer' && Number.isInteger(fields.scale ?? 1) && Number.isInteger(fields.offset ?? 0);
  const conversion: PointConversion = {
    ...(fields.scale === undefined ? {} : { scale: fields.scale }),
    ...(fields.offset === undefined ? {} : { offset: fields.offset }),
    ...units,
  };
  return { conversion, kind: integral ? 'integer' : 'number' };
}

function checkEnum(
  table: Readonly<Record<string, string | number | boolean>>,
  rawKind: RawValueKind,
  context: CheckContext,
  units: { units?: string },
): CheckedConversion | undefined {
  const enumNode = entryOf(context.node, 'enum')?.value;
  const entries: EnumEntry[] = [];
  const seenValues = new Map<string, string>();
  let failed = false;
  const valueTypes = new Set<string>();
  for (const [key, value] of Object.entries(table)) {
    const keyOrigin =
      (enumNode?.kind === 'map' ? enumNode.entries.get(key)?.keyOrigin : undefined) ??
      fieldOrigin(context, 'enum');
    const raw = enumRaw(key, rawKind);
    if (raw === undefined) {
      context.scope.issues.add({
        origin: keyOrigin,
        message: `${context.subject}: enum key ${quote(key)} is not a value the source can yield (it yields ${kindText(rawKind)} values)`,
        expected:
          rawKind === 'bytes' || rawKind === 'time'
            ? `no enum (the source yields ${kindText(rawKind)} values)`
            : `${kindText(rawKind)} keys`,
        device: context.scope.device,
      });
      failed = true;
      continue;
    }
    const valueKey = `${typeof value}:${String(value)}`;
    const previous = seenValues.get(valueKey);
    if (previous !== undefined) {
      context.scope.issues.add({
        origin: keyOrigin,
        message: `${context.subject}: enum value ${typeof value === 'string' ? quote(value) : String(value)} is used for both ${previous} and ${key}`,
        expected: 'a different value for each raw value (so writes can be translated back)',
        device: context.scope.device,
      });
      failed = true;
      continue;
    }
    seenValues.set(valueKey, key);
    valueTypes.add(
      typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value,
    );
    entries.push({ raw, value });
  }
  if (failed) return undefined;
  if (valueTypes.has('number')) valueTypes.delete('integer');
  if (valueTypes.size !== 1) {
    return report(
      context,
      'enum',
      'enum values mix types',
      'all values text, all numbers, or all true/false',
    );
  }
  const [valueType] = valueTypes;
  const kind: RawValueKind =
    valueType === 'string'
      ? 'string'
      : valueType === 'boolean'
        ? 'boolean'
        : valueType === 'integer'
          ? 'integer'
          : 'number';
  return { conversion: { enum: entries, ...units }, kind };
}

function enumRaw(key: string, rawKind: RawValueKind): string | number | boolean | undefined {
  switch (rawKind) {
    case 'integer':
      return /^-?\d+$/.test(key) && Number.isSafeInteger(Number(key)) ? Number(key) : undefined;
    case 'number':
      return key.trim() !== '' && Number.isFinite(Number(key)) ? Number(key) : undefined;
    case 'boolean':
      return key === 'true' ? true : key === 'false' ? false : undefined;
    case 'string':
      return key;
    case 'bytes':
    case 'time':
      return undefined;
  }
}

const KIND_HINTS: Partial<Record<string, string>> = {
  'integer>boolean': ' (bit: N reads one bit as a boolean; enum: can map 0/1 to false/true)',
  'integer>string': ' (enum: can name the values)',
  'number>integer': ' (or a float resource)',
};

function checkFit(
  checked: CheckedConversion,
  rawKind: RawValueKind,
  fields: ConversionFields,
  context: CheckContext,
): CheckedConversion | undefined {
  const { resource } = context;
  if (resource.operations === 'E' || kindFitsType(checked.kind, resource.type)) return checked;
  const resourceText = `resource ${resource.id} "${resource.name}" is ${resource.type}`;
  if (checked.kind === 'number' && rawKind === 'integer' && kindFitsType('integer', resource.type)) {
    const field = fields.scale !== undefined && !Number.isInteger(fields.scale) ? 'scale' : 'offset';
    const value = field === 'scale' ? fields.scale : fields.offset;
    return report(
      context,
      field,
      `${field} ${String(value)} makes the value fractional, but ${resourceText}`,
      'a whole-number scale and offset, or a float resource',
    );
  }
  const converted =
    fields.scale !== undefined ||
    fields.offset !== undefined ||
    fields.bit !== undefined ||
    fields.enum !== undefined;
  const field =
    fields.enum !== undefined
      ? 'enum'
      : fields.bit !== undefined
        ? 'bit'
        : fields.scale !== undefined
          ? 'scale'
          : fields.offset !== undefined
            ? 'offset'
            : 'source';
  const kinds = kindsForType(resource.type).map(kindText);
  const hint = converted ? '' : (KIND_HINTS[`${checked.kind}>${resource.type}`] ?? '');
  return report(
    context,
    field,
    `the point yields ${kindText(checked.kind)} values${converted ? ` after ${field}` : ''}, but ${resourceText}`,
    `${kinds.length > 0 ? kinds.join(' or ') : 'no'} values${hint}`,
  );
}
