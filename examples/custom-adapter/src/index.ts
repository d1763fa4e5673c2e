import { defineAdapter, SDK_VERSION } from '@lwm2m-adapters/sdk';
import {
  type JsonFileConnection,
  type JsonFilePoint,
  jsonFileConnectionSchema,
  jsonFilePointSchema,
} from './json-file-schemas.js';
import { JsonFileSession } from './json-file-session.js';
import { validateJsonFileWrite } from './json-file-write-check.js';

/**
 * A complete third-party adapter: values of a JSON document on disk become device points.
 * Mappings load it by package name: `adapter: "@example/lwm2m-adapter-jsonfile"`.
 */
export const adapter = defineAdapter<JsonFileConnection, JsonFilePoint>({
  name: 'jsonfile',
  version: '0.1.0',
  sdkVersion: `^${SDK_VERSION}`,
  capabilities: { read: true, write: true, execute: false, subscribe: false },
  connectionSchema: jsonFileConnectionSchema,
  pointSchema: jsonFilePointSchema,
  pointValueKind: (point) => point.type,
  validateWrite: validateJsonFileWrite,
  checkPoints: (_connection, points) => {
    const seen = new Map<string, string>();
    return points.flatMap((p) => {
      const other = seen.get(p.source.key);
      seen.set(p.source.key, p.id);
      return other === undefined
        ? []
        : [{ pointId: p.id, field: ['key'], message: `key "${p.source.key}" is already bound to ${other}` }];
    });
  },
  plan: (connection, points) => ({
    requestsPerCycle: points.length === 0 ? 0 : 1,
    lines: [`read ${connection.file} once -> ${points.length} points`],
    details: { file: connection.file, keys: points.map((p) => p.source.key) },
  }),
  createSession: (context) => new JsonFileSession(context),
});

export default adapter;
export { type JsonFileConnection, type JsonFilePoint, jsonFileConnectionSchema, jsonFilePointSchema };
