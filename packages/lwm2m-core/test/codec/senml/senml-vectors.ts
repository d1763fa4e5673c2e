import { type LwM2mNode, node } from '../../../src/model/node.js';
import { value } from '../../../src/model/value.js';

/**
 * Golden SenML vectors: one node at a path, its SenML JSON text and SenML CBOR bytes. Composed
 * for these tests and checked by hand (floats: f9 = float16, fa = float32, fb = float64).
 */
export interface SenmlVector {
  readonly name: string;
  readonly path: string;
  readonly node: LwM2mNode;
  readonly json: string;
  readonly cbor: string;
}

const temperature = node.instance(0, [
  node.resource(5700, value.float(22.5)),
  node.resource(5701, value.string('Cel')),
]);
const twoTemperatures = node.object(3303, [
  node.instance(0, [node.resource(5700, value.float(22.5))]),
  node.instance(1, [node.resource(5700, value.float(-3.25))]),
]);

export const senmlVectors: readonly SenmlVector[] = [
  // One vector per LwM2M type (object 9999 of the test model).
  {
    name: 'String',
    path: '/9999/0/0',
    node: node.resource(0, value.string('héllo "x"')),
    json: '[{"bn":"/9999/0/","n":"0","vs":"héllo \\"x\\""}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 30 03 6a 68c3a96c6c6f20227822',
  },
  {
    name: 'Integer',
    path: '/9999/0/1',
    node: node.resource(1, value.integer(-42)),
    json: '[{"bn":"/9999/0/","n":"1","v":-42}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 31 02 38 29',
  },
  {
    name: 'Integer -2^63',
    path: '/9999/0/1',
    node: node.resource(1, value.integer(-(2n ** 63n))),
    json: '[{"bn":"/9999/0/","n":"1","v":-9223372036854775808}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 31 02 3b 7fffffffffffffff',
  },
  {
    name: 'Unsigned 2^64-1',
    path: '/9999/0/2',
    node: node.resource(2, value.unsigned(2n ** 64n - 1n)),
    json: '[{"bn":"/9999/0/","n":"2","v":18446744073709551615}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 32 02 1b ffffffffffffffff',
  },
  {
    name: 'Float 22.5 (float16)',
    path: '/9999/0/3',
    node: node.resource(3, value.float(22.5)),
    json: '[{"bn":"/9999/0/","n":"3","v":22.5}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 33 02 f9 4da0',
  },
  {
    name: 'Float 21.0 stays a CBOR float',
    path: '/9999/0/3',
    node: node.resource(3, value.float(21)),
    json: '[{"bn":"/9999/0/","n":"3","v":21}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 33 02 f9 4d40',
  },
  {
    name: 'Float 1.1 (float64)',
    path: '/9999/0/3',
    node: node.resource(3, value.float(1.1)),
    json: '[{"bn":"/9999/0/","n":"3","v":1.1}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 33 02 fb 3ff199999999999a',
  },
  {
    name: 'Float max float32',
    path: '/9999/0/3',
    node: node.resource(3, value.float(3.4028234663852886e38)),
    json: '[{"bn":"/9999/0/","n":"3","v":3.4028234663852886e+38}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 33 02 fa 7f7fffff',
  },
  {
    name: 'Float -0',
    path: '/9999/0/3',
    node: node.resource(3, value.float(-0)),
    json: '[{"bn":"/9999/0/","n":"3","v":-0}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 33 02 f9 8000',
  },
  {
    name: 'Boolean',
    path: '/9999/0/4',
    node: node.resource(4, value.boolean(true)),
    json: '[{"bn":"/9999/0/","n":"4","vb":true}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 34 04 f5',
  },
  {
    name: 'Opaque',
    path: '/9999/0/5',
    node: node.resource(5, value.opaque(Uint8Array.of(0xfb, 0xff, 0x00))),
    json: '[{"bn":"/9999/0/","n":"5","vd":"-_8A"}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 35 08 43 fbff00',
  },
  {
    name: 'Time',
    path: '/9999/0/6',
    node: node.resource(6, value.time(new Date(1_700_000_000_000))),
    json: '[{"bn":"/9999/0/","n":"6","v":1700000000}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 36 02 1a 6553f100',
  },
  {
    name: 'Objlnk',
    path: '/9999/0/7',
    node: node.resource(7, value.objlnk(66, 0)),
    json: '[{"bn":"/9999/0/","n":"7","vlo":"66:0"}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 37 63 766c6f 64 36363a30',
  },
  {
    name: 'Corelnk',
    path: '/9999/0/8',
    node: node.resource(8, value.corelnk('</3/0>,</1/0>')),
    json: '[{"bn":"/9999/0/","n":"8","vs":"</3/0>,</1/0>"}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 61 38 03 6d 3c2f332f303e2c3c2f312f303e',
  },
  // Every node level.
  {
    name: 'resource instance',
    path: '/9999/0/101/3',
    node: node.resourceInstance(3, value.integer(7)),
    json: '[{"bn":"/9999/0/","n":"101/3","v":7}]',
    cbor: '81 a3 21 68 2f393939392f302f 00 65 3130312f33 02 07',
  },
  {
    name: 'multiple resource',
    path: '/3/0/7',
    node: node.multiple(7, 'integer', [
      node.resourceInstance(0, value.integer(3800)),
      node.resourceInstance(1, value.integer(5000)),
    ]),
    json: '[{"bn":"/3/0/","n":"7/0","v":3800},{"n":"7/1","v":5000}]',
    cbor: '82 a3 21 65 2f332f302f 00 63 372f30 02 19 0ed8 a2 00 63 372f31 02 19 1388',
  },
  {
    name: 'object instance',
    path: '/3303/0',
    node: temperature,
    json: '[{"bn":"/3303/0/","n":"5700","v":22.5},{"n":"5701","vs":"Cel"}]',
    cbor: '82 a3 21 68 2f333330332f302f 00 64 35373030 02 f9 4da0 a2 00 64 35373031 03 63 43656c',
  },
  {
    name: 'object instance with a multiple resource',
    path: '/3/0',
    node: node.instance(0, [
      node.resource(0, value.string('ACME')),
      node.multiple(7, 'integer', [node.resourceInstance(0, value.integer(3800))]),
      node.resource(9, value.integer(88)),
    ]),
    json: '[{"bn":"/3/0/","n":"0","vs":"ACME"},{"n":"7/0","v":3800},{"n":"9","v":88}]',
    cbor: '83 a3 21 65 2f332f302f 00 61 30 03 64 41434d45 a2 00 63 372f30 02 19 0ed8 a2 00 61 39 02 18 58',
  },
  {
    name: 'object',
    path: '/3303',
    node: twoTemperatures,
    json: '[{"bn":"/3303/0/","n":"5700","v":22.5},{"bn":"/3303/1/","n":"5700","v":-3.25}]',
    cbor: '82 a3 21 68 2f333330332f302f 00 64 35373030 02 f9 4da0 a3 21 68 2f333330332f312f 00 64 35373030 02 f9 c280',
  },
  // With a gateway prefix: it is part of every name.
  {
    name: 'object instance of end device dev1 (notes §3 example, float16)',
    path: '/dev1/3303/0',
    node: temperature,
    json: '[{"bn":"/dev1/3303/0/","n":"5700","v":22.5},{"n":"5701","vs":"Cel"}]',
    cbor: '82 a3 21 6d 2f646576312f333330332f302f 00 64 35373030 02 f9 4da0 a2 00 64 35373031 03 63 43656c',
  },
  {
    name: 'object of end device dev0',
    path: '/dev0/3303',
    node: twoTemperatures,
    json: '[{"bn":"/dev0/3303/0/","n":"5700","v":22.5},{"bn":"/dev0/3303/1/","n":"5700","v":-3.25}]',
    cbor: '82 a3 21 6d 2f646576302f333330332f302f 00 64 35373030 02 f9 4da0 a3 21 6d 2f646576302f333330332f312f 00 64 35373030 02 f9 c280',
  },
  {
    name: 'resource of end device dev0',
    path: '/dev0/3303/0/5700',
    node: node.resource(5700, value.float(22.5)),
    json: '[{"bn":"/dev0/3303/0/","n":"5700","v":22.5}]',
    cbor: '81 a3 21 6d 2f646576302f333330332f302f 00 64 35373030 02 f9 4da0',
  },
  {
    name: 'resource instance of end device dev0',
    path: '/dev0/3/0/7/1',
    node: node.resourceInstance(1, value.integer(5000)),
    json: '[{"bn":"/dev0/3/0/","n":"7/1","v":5000}]',
    cbor: '81 a3 21 6a 2f646576302f332f302f 00 63 372f31 02 19 1388',
  },
];

/** The notes' SenML CBOR example exactly as written there (22.5 as float32). */
export const notesCborExample =
  '82a3216d2f646576312f333330332f302f00643537303002fa41b40000a2006435373031036343656c';

/** The notes' Send example (§1.5): the gateway's /3/0 next to two end devices. */
export const notesSendExample =
  '[{"bn":"/dev0/3303/0/","bt":1718000000,"n":"5700","v":21.7},\n {"bn":"/dev1/3306/0/","n":"5850","vb":true},\n {"bn":"/3/0/","n":"9","v":88}]';

/** The notes' LwM2M JSON example (§3). Its names "x" and "y" are placeholders, not resource ids. */
export const notesLwm2mJsonExample =
  '{"bn":"/3/0/","e":[{"n":"0","sv":"ACME"},{"n":"9","v":88},{"n":"x","bv":true},{"n":"y","ov":"66:0"}]}';
