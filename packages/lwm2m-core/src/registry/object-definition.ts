import type { ResourceType } from '../model/resource-type.js';

/** Operations a resource allows, as in the DDF `<Operations>` element. */
export type ResourceOperations = '' | 'R' | 'W' | 'RW' | 'E';

/** A parsed `<RangeEnumeration>`: numeric bounds, a length range for strings/opaque, or an enumeration. */
export type ResourceRange =
  | { readonly kind: 'numeric'; readonly min: number; readonly max: number }
  | { readonly kind: 'length'; readonly min: number; readonly max: number }
  | { readonly kind: 'enumeration'; readonly values: readonly (number | string)[] };

export interface ResourceDefinition {
  readonly id: number;
  readonly name: string;
  readonly operations: ResourceOperations;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  readonly type: ResourceType;
  /** The DDF text as written (e.g. "0..255", "-40..85", "1..64 bytes"); empty when none. */
  readonly rangeText: string;
  /** Machine-usable form of `rangeText`, when it could be understood. */
  readonly range: ResourceRange | undefined;
  readonly units: string;
  readonly description: string;
}

export interface ObjectDefinition {
  readonly id: number;
  readonly name: string;
  readonly description: string;
  /** Object version "X.Y" (DDF `<ObjectVersion>`, "1.0" when absent). */
  readonly version: string;
  /** Minimum LwM2M enabler version (DDF `<LWM2MVersion>`, "1.0" when absent). */
  readonly lwm2mVersion: string;
  readonly urn: string;
  readonly multiple: boolean;
  readonly mandatory: boolean;
  /** Resources in id order. */
  readonly resources: readonly ResourceDefinition[];
}

/** What a codec needs to know about the objects: resource definitions by path ids. */
export interface ObjectModel {
  getObject(objectId: number, version?: string): ObjectDefinition | undefined;
  getResource(objectId: number, resourceId: number, version?: string): ResourceDefinition | undefined;
}
