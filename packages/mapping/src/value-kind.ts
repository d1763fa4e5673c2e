import type { ResourceType } from '@lwm2m-adapters/lwm2m-core';
import type { RawValueKind } from '@lwm2m-adapters/sdk';

/** Which kinds of (converted) values each LwM2M resource type accepts. */
const KINDS_BY_TYPE: Readonly<Record<ResourceType, readonly RawValueKind[]>> = {
  float: ['number', 'integer'],
  integer: ['integer'],
  unsigned: ['integer'],
  time: ['integer', 'time'],
  boolean: ['boolean'],
  string: ['string'],
  corelnk: ['string'],
  objlnk: ['string'],
  opaque: ['bytes'],
  none: [],
};

const KIND_TEXT: Readonly<Record<RawValueKind, string>> = {
  number: 'number',
  integer: 'integer',
  boolean: 'boolean',
  string: 'string',
  bytes: 'bytes',
  time: 'time (date)',
};

export function kindFitsType(kind: RawValueKind, type: ResourceType): boolean {
  return KINDS_BY_TYPE[type].includes(kind);
}

export function kindsForType(type: ResourceType): readonly RawValueKind[] {
  return KINDS_BY_TYPE[type];
}

export function kindText(kind: RawValueKind): string {
  return KIND_TEXT[kind];
}

export function isNumericKind(kind: RawValueKind): boolean {
  return kind === 'number' || kind === 'integer';
}
