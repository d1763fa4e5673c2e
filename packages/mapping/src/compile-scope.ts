import type { ObjectRegistry } from '@lwm2m-adapters/lwm2m-core';
import type { AdapterDefinition } from '@lwm2m-adapters/sdk';
import type { IssueCollector } from './issue-collector.js';
import type { JsonSchemaCache } from './json-schema-cache.js';
import type { SourceText } from './source-text.js';

/** Reporting defaults in milliseconds, after mapping → template → device merging. */
export interface ReportingDefaults {
  readonly pollMs?: number | undefined;
  readonly pminMs?: number | undefined;
  readonly pmaxMs?: number | undefined;
  readonly deadband?: number | undefined;
  /**
   * Whether the device itself (or its template) sets `poll`, rather than inheriting the mapping's
   * defaults: such a `poll` asks for polling also where the adapter subscribes.
   */
  readonly pollOnDevice?: boolean | undefined;
}

/** What compiling one device's points needs. */
export interface DeviceScope {
  readonly source: SourceText;
  readonly registry: ObjectRegistry;
  readonly issues: IssueCollector;
  readonly jsonSchemas: JsonSchemaCache;
  /** The device id, for issues. */
  readonly device: string;
  /** Undefined when the adapter could not be resolved (source checks are skipped). */
  readonly adapter: AdapterDefinition | undefined;
  readonly defaults: ReportingDefaults;
}
