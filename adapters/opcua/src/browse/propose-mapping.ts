/**
 * Turns browsed variables into a starting mapping (YAML text): one device with the connection,
 * IPSO objects where the name, type and units make the meaning obvious (a Double "Temperature" in
 * °C → /3303/x/5700), generic IPSO objects for the rest (a number → 3300 Generic Sensor, or 3308
 * Set Point when writable; a Boolean → 3200/3201, or 3342 when it is named like a switch; a String
 * → 3341), each with its browse name as Application Type. Types no standard object carries
 * (DateTime, ByteString, arrays) and methods are listed as comments: they need a custom object,
 * which the mapping declares in a DDF file (`objects: [./vendor.xml]`). The text validates as it is.
 */
import { stringify } from 'yaml';
import { OPCUA_DATA_TYPES, opcuaPointValueKind } from '../config/point-schema.js';
import type { BrowsedMethod, BrowsedVariable, BrowseResult } from './browsed-variable.js';

interface Proposal {
  readonly objectId: number;
  readonly resourceId: number;
  /** Sensor Units (5701) constant, for objects that have it. */
  readonly units?: string | undefined;
  /** Application Type (5750) constant. */
  readonly applicationType?: string | undefined;
  readonly why: string;
}

const UCUM: Readonly<Record<string, string>> = {
  '°C': 'Cel',
  degC: 'Cel',
  Cel: 'Cel',
  '°F': '[degF]',
  K: 'K',
  '%': '%',
  '%RH': '%',
  Pa: 'Pa',
  kPa: 'kPa',
  hPa: 'hPa',
  bar: 'bar',
  mbar: 'mbar',
  psi: '[psi]',
  W: 'W',
  kW: 'kW',
  V: 'V',
  A: 'A',
};

/** Types whose values are numbers (integers and floats), from the point schema's own kinds. */
const NUMERIC = new Set<string>(
  OPCUA_DATA_TYPES.filter((type) => {
    const kind = opcuaPointValueKind({ node: 'i=1', type, array: false, queueSize: 1 });
    return kind === 'number' || kind === 'integer';
  }),
);

function unitsOf(v: BrowsedVariable): string | undefined {
  return v.units === undefined ? undefined : (UCUM[v.units.trim()] ?? v.units.trim());
}

function propose(v: BrowsedVariable): Proposal | undefined {
  if (v.type === undefined || v.array) return undefined;
  const name = v.browseName;
  const units = v.units?.trim();
  if (NUMERIC.has(v.type)) {
    const is = (re: RegExp, unitSet: readonly string[]) =>
      re.test(name) || (units !== undefined && unitSet.includes(units));
    // A set point is named so; otherwise the quantity (by name or units) decides, writable or not.
    if (/set.?point|target/i.test(name))
      return {
        objectId: 3308,
        resourceId: 5900,
        units: unitsOf(v),
        applicationType: name,
        why: 'a set point',
      };
    if (is(/temp/i, ['°C', 'degC', 'Cel', '°F', 'K']))
      return { objectId: 3303, resourceId: 5700, units: unitsOf(v) ?? 'Cel', why: 'a temperature' };
    if (is(/humid/i, ['%RH']))
      return { objectId: 3304, resourceId: 5700, units: unitsOf(v) ?? '%', why: 'a humidity' };
    if (is(/press/i, ['Pa', 'kPa', 'hPa', 'bar', 'mbar', 'psi']))
      return { objectId: 3323, resourceId: 5700, units: unitsOf(v), why: 'a pressure' };
    if (is(/power/i, ['W', 'kW']))
      return { objectId: 3328, resourceId: 5700, units: unitsOf(v), why: 'a power' };
    if (is(/volt/i, ['V'])) return { objectId: 3316, resourceId: 5700, units: unitsOf(v), why: 'a voltage' };
    if (is(/current|amps?\b/i, ['A']))
      return { objectId: 3317, resourceId: 5700, units: unitsOf(v), why: 'a current' };
    if (v.writable)
      return {
        objectId: 3308,
        resourceId: 5900,
        units: unitsOf(v),
        applicationType: name,
        why: 'no obvious IPSO object; writable number: Set Point',
      };
    return {
      objectId: 3300,
      resourceId: 5700,
      units: unitsOf(v),
      applicationType: name,
      why: 'no obvious IPSO object: Generic Sensor',
    };
  }
  if (v.type === 'Boolean') {
    const switchLike = /\bon\b|on.?off|switch|running|enabled?\b/i.test(name);
    if (v.writable)
      return {
        objectId: 3201,
        resourceId: 5550,
        applicationType: name,
        why: 'writable Boolean: Digital Output',
      };
    return switchLike
      ? { objectId: 3342, resourceId: 5500, applicationType: name, why: 'an on/off switch' }
      : { objectId: 3200, resourceId: 5500, applicationType: name, why: 'Boolean: Digital Input' };
  }
  if (v.type === 'String')
    return { objectId: 3341, resourceId: 5527, applicationType: name, why: 'text: Addressable Text Display' };
  return undefined;
}

/** Objects with a Sensor Units (5701) resource. */
const HAS_UNITS = new Set([3300, 3303, 3304, 3308, 3316, 3317, 3323, 3328]);

export interface ProposeOptions {
  readonly endpoint: string;
  readonly deviceId?: string;
}

/** The mapping YAML for a browse result. */
export function proposeMapping(result: BrowseResult, options: ProposeOptions): string {
  const next = new Map<number, number>();
  const points: Record<string, unknown> = {};
  const comments = new Map<string, string>();
  const leftOut: string[] = [];
  for (const v of result.variables) {
    const proposal = propose(v);
    if (proposal === undefined) {
      leftOut.push(describeLeftOut(v));
      continue;
    }
    const instance = next.get(proposal.objectId) ?? 0;
    next.set(proposal.objectId, instance + 1);
    const base = `/${proposal.objectId}/${instance}`;
    const key = `${base}/${proposal.resourceId}`;
    points[key] = {
      source: { node: v.nodeId, type: v.type },
      ...(v.writable &&
      (proposal.resourceId === 5900 || proposal.resourceId === 5550 || proposal.resourceId === 5527)
        ? { access: 'rw' }
        : {}),
    };
    comments.set(
      key,
      `${v.path} (${v.type}${v.units === undefined ? '' : `, ${v.units}`}${v.writable ? ', writable' : ''}): ${proposal.why}`,
    );
    if (proposal.units !== undefined && HAS_UNITS.has(proposal.objectId))
      points[`${base}/5701`] = proposal.units;
    if (proposal.applicationType !== undefined) points[`${base}/5750`] = proposal.applicationType;
  }
  // A device needs a point: with nothing mapped, a constant Device resource keeps the document valid.
  if (Object.keys(points).length === 0) points['/3/0/0'] = 'OPC UA server';
  const device = {
    id: options.deviceId ?? 'opcua-device',
    adapter: 'opcua',
    connection: { endpoint: options.endpoint },
    points,
  };
  const document = stringify({ version: 1, devices: [device] }, { lineWidth: 0 });
  const lines = document.split('\n').map((line) => {
    const match = /^(\s+)"?(\/\d+\/\d+\/\d+)"?:/.exec(line);
    const comment = match === null ? undefined : comments.get(match[2] as string);
    return comment === undefined ? line : `${match?.[1]}# ${comment}\n${line}`;
  });
  const header = [
    `# A starting mapping proposed by adapter-host browse ${options.endpoint}`,
    `# ${result.variables.length} variable(s) and ${result.methods.length} method(s) found${result.truncated > 0 ? `; ${result.truncated} node(s) below the depth limit not followed (--depth)` : ''}.`,
    '# Review the objects chosen, then run: adapter-host validate <this file>',
  ];
  const footer =
    leftOut.length + result.methods.length === 0
      ? []
      : [
          '# Not mapped (no standard LwM2M object carries them): define a custom object in a DDF file,',
          '# list it under objects: [./vendor.xml] and bind these to its resources:',
          ...leftOut,
          ...result.methods.map(describeMethod),
        ];
  return [...header, ...lines.filter((l) => l !== ''), ...footer, ''].join('\n');
}

function describeLeftOut(v: BrowsedVariable): string {
  const type = v.type === undefined ? `DataType ${v.dataTypeId}` : `${v.type}${v.array ? '[]' : ''}`;
  const source =
    v.type === undefined
      ? ''
      : ` source: { node: ${JSON.stringify(v.nodeId)}, type: ${v.type}${v.array ? ', array: true' : ''} }`;
  return `#   ${v.path} (${type}${v.writable ? ', writable' : ''})${source}`;
}

function describeMethod(m: BrowsedMethod): string {
  return `#   ${m.path} (method, ${m.inputCount} input argument(s)) source: { object: ${JSON.stringify(m.objectId)}, method: ${JSON.stringify(m.methodId)} }`;
}
