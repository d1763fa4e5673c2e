/** The LwM2M data types a resource can have (Core TS 1.1, Appendix C). */
export const resourceTypes = [
  'string',
  'integer',
  'unsigned',
  'float',
  'boolean',
  'opaque',
  'time',
  'objlnk',
  'corelnk',
  'none',
] as const;

export type ResourceType = (typeof resourceTypes)[number];

/** An Objlnk value: a reference to an object instance. `65535:65535` is the null link. */
export interface ObjectLink {
  readonly objectId: number;
  readonly instanceId: number;
}

export const NULL_OBJECT_LINK: ObjectLink = Object.freeze({ objectId: 65535, instanceId: 65535 });

/**
 * A typed LwM2M value. Integers that fit in a JS safe integer are numbers; larger ones are
 * bigints (LwM2M Integer is signed 64-bit, Unsigned Integer is unsigned 64-bit).
 * Time is a Date at whole-second precision (LwM2M Time is signed Unix seconds).
 */
export type ResourceValue =
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'integer'; readonly value: number | bigint }
  | { readonly type: 'unsigned'; readonly value: number | bigint }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'boolean'; readonly value: boolean }
  | { readonly type: 'opaque'; readonly value: Uint8Array }
  | { readonly type: 'time'; readonly value: Date }
  | { readonly type: 'objlnk'; readonly value: ObjectLink }
  | { readonly type: 'corelnk'; readonly value: string }
  | { readonly type: 'none'; readonly value: null };

export type ValueOf<T extends ResourceType> = Extract<ResourceValue, { type: T }>['value'];
