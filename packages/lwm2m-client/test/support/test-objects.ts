import { CodedError } from '@lwm2m-adapters/errors';
import { LwM2mCodecs, type ResourceValue } from '@lwm2m-adapters/lwm2m-core';
import type { LwM2mClient } from '../../src/lwm2m-client.js';
import type { WrittenValue } from '../../src/objects/resource-declaration.js';
import type { ExecuteArguments } from '../../src/operations/execute-arguments.js';
import { omaRegistry } from './client-fixture.js';

/** Codecs for building request payloads and reading responses in tests. */
export const testCodecs = new LwM2mCodecs(omaRegistry());

export interface TestPlant {
  temperature: number;
  readonly executed: ExecuteArguments[];
  readonly written: WrittenValue[];
  readonly created: number[];
  readonly deleted: number[];
  failRead: Error | undefined;
}

/**
 * /3303 Temperature (instance 0: 5700 handler, 5701 static, 5605 execute, 5750 RW static) and
 * /3306 Actuation (instance 0: 5850 handler RW, 5851 static RW with range 0..100) with Create
 * and Delete handlers.
 */
export function declareTestObjects(client: LwM2mClient): TestPlant {
  const plant: TestPlant = {
    temperature: 22.5,
    executed: [],
    written: [],
    created: [],
    deleted: [],
    failRead: undefined,
  };
  let on = false;
  client.objects.defineObject(3303, {
    instances: {
      0: {
        5700: {
          read: () => {
            if (plant.failRead !== undefined) throw plant.failRead;
            return plant.temperature;
          },
        },
        5701: 'Cel',
        5605: { execute: (args) => void plant.executed.push(args) },
        5750: 'Boiler',
      },
    },
    create: (request) => {
      plant.created.push(request.instanceId);
      return undefined;
    },
    delete: (instanceId) => {
      plant.deleted.push(instanceId);
    },
  });
  client.objects.defineObject(3306, {
    instances: {
      0: {
        5850: {
          read: () => on,
          write: (value) => {
            plant.written.push(value);
            const v = (value as ResourceValue).value;
            if (v === false && plant.temperature > 100) {
              throw new CodedError('DEVICE_VALUE_REJECTED', 'cannot switch off while hot');
            }
            on = v === true;
          },
        },
        5851: 42,
      },
    },
  });
  return plant;
}
