/**
 * Codec throughput for a 60-resource object instance (the reference payload): encode and
 * decode in TLV, SenML CBOR, SenML JSON and LwM2M CBOR.
 */
import {
  ContentFormat,
  LwM2mCodecs,
  LwM2mPath,
  node,
  type ObjectDefinition,
  ObjectRegistry,
  type ResourceDefinition,
  type ResourceType,
  type ResourceValue,
} from '@lwm2m-adapters/lwm2m-core';
import { type Measurement, measure, printTable } from './measure.js';

const RESOURCES = 60;
const types: ResourceType[] = ['float', 'float', 'float', 'integer', 'boolean', 'string'];

function resourceDefinition(id: number): ResourceDefinition {
  return {
    id,
    name: `Point ${id}`,
    operations: 'R',
    multiple: false,
    mandatory: false,
    type: types[id % types.length]!,
    rangeText: '',
    range: undefined,
    units: '',
    description: '',
  };
}

const benchObject: ObjectDefinition = {
  id: 32_769,
  name: 'Benchmark plant unit',
  description: '60 mixed resources',
  version: '1.0',
  lwm2mVersion: '1.1',
  urn: 'urn:oma:lwm2m:x:32769',
  multiple: true,
  mandatory: false,
  resources: Array.from({ length: RESOURCES }, (_, i) => resourceDefinition(i)),
};

function sampleValue(id: number): ResourceValue {
  switch (types[id % types.length]) {
    case 'float':
      return { type: 'float', value: 20 + id * 0.37 };
    case 'integer':
      return { type: 'integer', value: id * 1000 + 7 };
    case 'boolean':
      return { type: 'boolean', value: id % 2 === 0 };
    default:
      return { type: 'string', value: `state-${id}` };
  }
}

export function runCodecBench(): Measurement[] {
  const registry = ObjectRegistry.withOmaObjects();
  registry.add(benchObject);
  const codecs = new LwM2mCodecs(registry);
  const path = LwM2mPath.parse('/32769/0');
  const instance = node.instance(
    0,
    benchObject.resources.map((r) => node.resource(r.id, sampleValue(r.id))),
  );
  const formats = [
    ['TLV', ContentFormat.TLV],
    ['SenML CBOR', ContentFormat.SENML_CBOR],
    ['SenML JSON', ContentFormat.SENML_JSON],
    ['LwM2M CBOR', ContentFormat.LWM2M_CBOR],
  ] as const;
  const rows: (Measurement & { bytes: number })[] = [];
  for (const [name, format] of formats) {
    const payload = codecs.encode(instance, path, format);
    rows.push({
      ...measure(`encode ${name}`, () => codecs.encode(instance, path, format)),
      bytes: payload.length,
    });
    rows.push({
      ...measure(`decode ${name}`, () => codecs.decode(payload, path, format)),
      bytes: payload.length,
    });
  }
  printTable(`Codecs: one object instance with ${RESOURCES} resources (${types.join('/')})`, rows);
  return rows;
}
